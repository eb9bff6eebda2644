import { parse } from 'yaml';
import { z } from 'zod';
import { AwsError } from '../errors.js';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

const artifactSchema = z.looseObject({
  Uri: z.string().min(1).optional(),
  URI: z.string().min(1).optional(),
  Digest: z.string().optional(),
  Algorithm: z.string().optional(),
  Unarchive: z.enum(['NONE', 'ZIP']).optional(),
});

const manifestSchema = z.looseObject({
  Platform: z.record(z.string(), z.unknown()).optional(),
  Lifecycle: z.record(z.string(), z.unknown()).optional(),
  Artifacts: z.array(artifactSchema).optional(),
});

/** The parts of a recipe the service reads; everything else is kept as written. */
export const cloudRecipeSchema = z.looseObject({
  RecipeFormatVersion: z.enum(['2020-01-25'], { error: 'RecipeFormatVersion must be 2020-01-25' }),
  ComponentName: z.string().regex(/^[a-zA-Z0-9._-]{1,128}$/, 'ComponentName must be 1-128 letters, digits, ".", "_" or "-"'),
  ComponentVersion: z.string().regex(SEMVER, 'ComponentVersion must be a semantic version such as 1.0.0'),
  ComponentDescription: z.string().optional(),
  ComponentPublisher: z.string().optional(),
  Manifests: z.array(manifestSchema).min(1, 'a recipe needs at least one manifest'),
});

export type CloudRecipe = z.infer<typeof cloudRecipeSchema>;
export type CloudArtifact = z.infer<typeof artifactSchema>;

/** Parses an inline recipe (JSON or YAML); a bad one is a ValidationException naming the field. */
export function parseInlineRecipe(bytes: Buffer): CloudRecipe {
  let document: unknown;
  try {
    document = parse(bytes.toString('utf8'));
  } catch (error) {
    throw new AwsError('ValidationException', `The recipe is neither valid JSON nor valid YAML: ${(error as Error).message}`);
  }
  const parsed = cloudRecipeSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : 'recipe';
    throw new AwsError('ValidationException', `Invalid recipe: ${field}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export const artifactUri = (artifact: CloudArtifact): string | undefined => artifact.Uri ?? artifact.URI;

/** Whether a manifest's platform fits a core device's platform attributes (`os`, `architecture`). */
export function manifestFits(platform: Record<string, unknown> | undefined, attributes: Record<string, string>): boolean {
  if (platform === undefined) return true;
  return Object.entries(platform).every(([key, wanted]) => {
    if (wanted === undefined || wanted === '*' || wanted === 'all') return true;
    const actual = attributes[key];
    return actual === undefined || actual === wanted;
  });
}
