import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** What the build needs from gdk-config.json. */
export interface GdkProject {
  componentName: string;
  /** A semantic version, or NEXT_PATCH (resolved by `gdk component publish`). */
  version: string;
  author: string;
  bucket: string;
  region: string;
}

export const NEXT_PATCH = 'NEXT_PATCH';
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const componentVersionSchema = z
  .string()
  .refine((v) => v === NEXT_PATCH || SEMVER.test(v), { message: `must be a semantic version or ${NEXT_PATCH}` });

const gdkConfigSchema = z.object({
  component: z
    .record(
      z.string().min(1),
      z.object({
        author: z.string().min(1),
        version: componentVersionSchema,
        build: z.object({ build_system: z.string() }),
        publish: z.object({ bucket: z.string().min(1), region: z.string().min(1) }),
      }),
    )
    .refine((components) => Object.keys(components).length === 1, { message: 'must name exactly one component' }),
  gdk_version: z.string(),
});

export function parseGdkConfig(text: string, source = 'gdk-config.json'): GdkProject {
  const parsed = gdkConfigSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${source}: ${z.prettifyError(parsed.error)}`);
  const [componentName, component] = Object.entries(parsed.data.component)[0]!;
  return {
    componentName,
    version: component.version,
    author: component.author,
    bucket: component.publish.bucket,
    region: component.publish.region,
  };
}

export function readGdkConfig(projectRoot: string): GdkProject {
  const file = path.join(projectRoot, 'gdk-config.json');
  return parseGdkConfig(readFileSync(file, 'utf8'), file);
}
