import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { INTEGRATION_TESTS_REPORT, UNIT_TESTS_REPORT } from '../lib/pipeline-stack.js';

const buildspecSchema = z.object({
  version: z.literal(0.2),
  env: z.object({ shell: z.string() }).optional(),
  phases: z.object({
    install: z.object({
      'runtime-versions': z.record(z.string(), z.union([z.number(), z.string()])),
      commands: z.array(z.string()).optional(),
    }),
    pre_build: z.object({ commands: z.array(z.string()) }),
    build: z.object({ commands: z.array(z.string()) }),
  }),
  reports: z
    .record(z.string(), z.object({ files: z.array(z.string()), 'base-directory': z.string(), 'file-format': z.literal('JUNITXML') }))
    .optional(),
  artifacts: z.object({ files: z.array(z.string()) }).optional(),
});
type Buildspec = z.infer<typeof buildspecSchema>;

const read = (name: string): Buildspec =>
  buildspecSchema.parse(parse(readFileSync(new URL(`../buildspec-${name}.yaml`, import.meta.url), 'utf8')));
const commands = (spec: Buildspec): string[] => [
  ...(spec.phases.install.commands ?? []),
  ...spec.phases.pre_build.commands,
  ...spec.phases.build.commands,
];

/** The commands in order, each found by a pattern, so a reordering or a missing step fails. */
function expectInOrder(all: string[], patterns: RegExp[]): void {
  let from = 0;
  for (const pattern of patterns) {
    const at = all.findIndex((c, i) => i >= from && pattern.test(c));
    expect(at, `${pattern} after command ${from} in\n${all.join('\n')}`).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}

/** The JUnit file vitest writes, as the report section reads it. */
function junitOutput(command: string): string | undefined {
  return /--reporter=junit --outputFile\.junit=(\S+)/.exec(command)?.[1];
}

describe.each(['backend', 'component', 'test'])('buildspec-%s.yaml', (name) => {
  it('runs on Node.js 20 or later and installs dependencies with npm ci', () => {
    const spec = read(name);
    expect(Number(spec.phases.install['runtime-versions']['nodejs'])).toBeGreaterThanOrEqual(20);
    expect(spec.phases.pre_build.commands).toContain('npm ci');
  });
});

describe('backend buildspec', () => {
  it('tests the backend, then deploys it with the Private CA context', () => {
    expectInOrder(commands(read('backend')), [
      /^npm ci$/,
      /^npx vitest run backend$/,
      /^cd backend && npx cdk deploy --require-approval never -c PcaCaId="\$PCA_CA_ID"$/,
    ]);
  });
});

describe('component buildspec', () => {
  const spec = read('component');

  it('lints, tests, builds the CI version, publishes it with GDK and deploys it to the thing group', () => {
    expectInOrder(commands(spec), [
      /^apt-get .*install .*softhsm2/,
      /^pip3 install .*aws-greengrass-gdk-cli/,
      /^npm ci$/,
      /^npm run lint$/,
      /^npm test -- .*--reporter=junit/,
      /^CI_VERSION=\$\(npx tsx cicd\/scripts\/ci-version\.ts --build-number "\$CODEBUILD_BUILD_NUMBER" --region "\$AWS_REGION"\)$/,
      /^npm run build -- --version "\$CI_VERSION"$/,
      /^gdk component publish$/,
      /^npm run deploy-component-version -- "\$CI_VERSION" "\$THING_GROUP_NAME"/,
    ]);
  });

  it('reports the unit tests to the unit test report group', () => {
    const test = commands(spec).find((c) => c.startsWith('npm test'));
    const report = spec.reports?.[UNIT_TESTS_REPORT];
    expect(report).toBeDefined();
    expect(`${report?.['base-directory']}/${report?.files[0]}`).toBe(junitOutput(test ?? ''));
    expect(spec.artifacts?.files).toContain('greengrass-build/**/*');
  });
});

describe('test buildspec', () => {
  const spec = read('test');

  it('runs the integration suite against AWS and reports it to the integration test report group', () => {
    const run = commands(spec).find((c) => c.startsWith('npm run test:aws'));
    expect(run).toBeDefined();
    const report = spec.reports?.[INTEGRATION_TESTS_REPORT];
    expect(`${report?.['base-directory']}/${report?.files[0]}`).toBe(junitOutput(run ?? ''));
    expect(Object.keys(spec.reports ?? {})).toEqual([INTEGRATION_TESTS_REPORT]);
  });
});
