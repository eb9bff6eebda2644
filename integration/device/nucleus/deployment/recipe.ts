import { parse } from 'yaml';
import { z } from 'zod';

const stepSchema = z.union([
  z.string(),
  z.looseObject({
    Script: z.string(),
    RequiresPrivilege: z.union([z.boolean(), z.string()]).optional(),
    Timeout: z.number().int().positive().optional(),
    Setenv: z.record(z.string(), z.string()).optional(),
  }),
]);

const artifactSchema = z
  .looseObject({
    Uri: z.string().min(1).optional(),
    URI: z.string().min(1).optional(),
    Digest: z.string().min(1).optional(),
    Algorithm: z.string().min(1).optional(),
    Unarchive: z.enum(['NONE', 'ZIP']).optional(),
  })
  .refine((a) => a.Uri !== undefined || a.URI !== undefined, { message: 'an artifact needs a Uri' });

const manifestSchema = z.looseObject({
  Platform: z.looseObject({ os: z.string().optional() }).optional(),
  Lifecycle: z.looseObject({ Setenv: z.record(z.string(), z.string()).optional() }).default({}),
  Artifacts: z.array(artifactSchema).default([]),
});

export const recipeSchema = z.looseObject({
  RecipeFormatVersion: z.string(),
  ComponentName: z.string().min(1),
  ComponentVersion: z.string().min(1),
  ComponentConfiguration: z.looseObject({ DefaultConfiguration: z.record(z.string(), z.unknown()).optional() }).optional(),
  Manifests: z.array(manifestSchema).min(1),
});

export type Recipe = z.infer<typeof recipeSchema>;
export type Manifest = z.infer<typeof manifestSchema>;
export type RecipeArtifact = z.infer<typeof artifactSchema>;
export type LifecycleStep = z.infer<typeof stepSchema>;

export function parseRecipe(text: string, source: string): Recipe {
  const parsed = recipeSchema.safeParse(parse(text));
  if (!parsed.success) throw new Error(`${source}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const artifactUri = (artifact: RecipeArtifact): string => (artifact.Uri ?? artifact.URI)!;
export const artifactFileName = (artifact: RecipeArtifact): string => artifactUri(artifact).split('/').at(-1)!;

/** The first manifest for Linux (or any platform), as the nucleus picks one. */
export function linuxManifest(recipe: Recipe): Manifest {
  const manifest = recipe.Manifests.find((m) => {
    const os = m.Platform?.os;
    return os === undefined || os === '*' || os === 'linux' || os === 'all';
  });
  if (!manifest) throw new Error(`${recipe.ComponentName} ${recipe.ComponentVersion}: no manifest for linux`);
  return manifest;
}

/** A lifecycle step (`Install`, `Run`, ...) in its long form, or undefined when the recipe has none. */
export function lifecycleStep(
  manifest: Manifest,
  name: string,
): { script: string; timeoutSeconds?: number; setenv: Record<string, string> } | undefined {
  const raw = (manifest.Lifecycle as Record<string, unknown>)[name];
  if (raw === undefined) return undefined;
  const parsed = stepSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Lifecycle.${name}: ${z.prettifyError(parsed.error)}`);
  const step = parsed.data;
  if (typeof step === 'string') return { script: step, setenv: {} };
  return { script: step.Script, ...(step.Timeout ? { timeoutSeconds: step.Timeout } : {}), setenv: step.Setenv ?? {} };
}
