/**
 * Sets the component version of a CI build in gdk-config.json and prints it:
 * `<major>.<minor>` of package.json, with the CodeBuild build number as the patch. GDK then
 * publishes exactly the version that `npm run build -- --version` built, in the build's region.
 *
 *   npx tsx cicd/scripts/ci-version.ts --build-number 42 --region eu-west-1   # prints 1.0.42
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const argsSchema = z.object({
  'build-number': z.string().regex(/^\d+$/, '--build-number must be a whole number (CODEBUILD_BUILD_NUMBER)'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, '--region must be an AWS region such as eu-west-1 (AWS_REGION)'),
});

/** `<major>.<minor>.<buildNumber>` from a semantic version. */
export function ciVersion(baseVersion: string, buildNumber: string): string {
  const match = /^(\d+)\.(\d+)\.\d+/.exec(baseVersion);
  if (!match) throw new Error(`version "${baseVersion}" is not a semantic version`);
  return `${match[1]}.${match[2]}.${Number(buildNumber)}`;
}

/** gdk-config.json's text with every component's version and publish region replaced. */
export function withCiVersion(gdkConfigText: string, version: string, region: string): string {
  const config = JSON.parse(gdkConfigText) as { component: Record<string, { version: string; publish: { region: string } }> };
  for (const component of Object.values(config.component)) {
    component.version = version;
    component.publish.region = region;
  }
  return `${JSON.stringify(config, null, 2)}\n`;
}

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, strict: true, options: { 'build-number': { type: 'string' }, region: { type: 'string' } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const { version: base } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const version = ciVersion(base, parsed.data['build-number']);
  const gdkConfig = path.join(root, 'gdk-config.json');
  writeFileSync(gdkConfig, withCiVersion(readFileSync(gdkConfig, 'utf8'), version, parsed.data.region));
  process.stdout.write(`${version}\n`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`ci-version: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
