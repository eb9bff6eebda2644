import { createHash } from 'node:crypto';
import type { AccountContext } from '../arn.js';
import { AwsError, notFound } from '../errors.js';
import type { S3Buckets } from '../s3-buckets.js';
import { artifactUri, manifestFits, parseInlineRecipe, type CloudRecipe } from './recipes.js';

export type ComponentState = 'REQUESTED' | 'INITIATED' | 'DEPLOYABLE' | 'FAILED' | 'DEPRECATED';

export interface ComponentVersion {
  arn: string;
  componentName: string;
  componentVersion: string;
  publisher: string;
  description?: string;
  /** Epoch milliseconds. */
  creationTimestamp: number;
  /** The recipe as the service keeps it: each S3 artifact's digest filled in. */
  recipe: CloudRecipe;
  state: ComponentState;
  message: string;
  /** Per artifact URI, why the version is not deployable. */
  errors: Record<string, string>;
}

export const componentArn = (ctx: AccountContext, name: string): string =>
  `arn:aws:greengrass:${ctx.region}:${ctx.accountId}:components:${name}`;
export const componentVersionArn = (ctx: AccountContext, name: string, version: string): string =>
  `${componentArn(ctx, name)}:versions:${version}`;

/** Newest first, by semantic version (pre-releases before their release). */
function compareVersionsDescending(a: string, b: string): number {
  const parts = (v: string): number[] => v.split(/[-+]/)[0]!.split('.').map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pb[i] ?? 0) - (pa[i] ?? 0);
  return a.includes('-') === b.includes('-') ? b.localeCompare(a) : a.includes('-') ? 1 : -1;
}

/**
 * Greengrass V2 component versions created from inline recipes. As the service does, it reads
 * every S3 artifact the recipe names and records its SHA-256 digest in the recipe, which the core
 * devices check after download; an artifact it cannot read leaves the version FAILED.
 */
export class ComponentStore {
  private readonly versions = new Map<string, ComponentVersion>();

  constructor(
    private readonly ctx: AccountContext,
    private readonly now: () => number,
    private readonly s3: S3Buckets,
  ) {}

  createComponentVersion(inlineRecipe: Buffer): ComponentVersion {
    const recipe = parseInlineRecipe(inlineRecipe);
    const arn = componentVersionArn(this.ctx, recipe.ComponentName, recipe.ComponentVersion);
    if (this.versions.has(arn)) {
      throw new AwsError('ConflictException', `Component ${recipe.ComponentName} version ${recipe.ComponentVersion} already exists`);
    }
    const errors: Record<string, string> = {};
    const stored: CloudRecipe = {
      ...recipe,
      Manifests: recipe.Manifests.map((manifest) => ({
        ...manifest,
        ...(manifest.Artifacts
          ? {
              Artifacts: manifest.Artifacts.map((artifact) => {
                const uri = artifactUri(artifact);
                if (uri === undefined) {
                  errors['(artifact)'] = 'An artifact has no Uri';
                  return artifact;
                }
                if (!uri.startsWith('s3://')) return artifact;
                const object = this.s3.objectAt(uri);
                if (!object) {
                  errors[uri] = `The artifact ${uri} could not be found: the S3 object does not exist`;
                  return artifact;
                }
                const digest = createHash('sha256').update(object.bytes).digest('base64');
                if (artifact.Digest !== undefined && artifact.Digest !== digest) {
                  errors[uri] = `The digest of ${uri} does not match the recipe's Digest`;
                }
                return { ...artifact, Digest: digest, Algorithm: 'SHA-256' };
              }),
            }
          : {}),
      })),
    };
    const failed = Object.keys(errors).length > 0;
    const version: ComponentVersion = {
      arn,
      componentName: recipe.ComponentName,
      componentVersion: recipe.ComponentVersion,
      publisher: recipe.ComponentPublisher ?? '',
      ...(recipe.ComponentDescription === undefined ? {} : { description: recipe.ComponentDescription }),
      creationTimestamp: this.now(),
      recipe: stored,
      state: failed ? 'FAILED' : 'DEPLOYABLE',
      message: failed ? 'The component version failed validation: see errors' : 'NONE',
      errors,
    };
    this.versions.set(arn, version);
    return structuredClone(version);
  }

  describeComponent(arn: string): ComponentVersion {
    const version = this.versions.get(arn);
    if (!version) throw notFound(`Component version ${arn} not found`);
    return structuredClone(version);
  }

  /** The versions of the component `arn` (a component ARN without version), newest first. */
  listComponentVersions(arn: string): ComponentVersion[] {
    const found = [...this.versions.values()].filter((v) => componentArn(this.ctx, v.componentName) === arn);
    if (found.length === 0) throw notFound(`Component ${arn} not found`);
    return found.sort((a, b) => compareVersionsDescending(a.componentVersion, b.componentVersion)).map((v) => structuredClone(v));
  }

  /** The deployable version a core device should install, for ResolveComponentCandidates. */
  resolve(componentName: string, componentVersion: string, platform: Record<string, string>): ComponentVersion {
    const version = this.versions.get(componentVersionArn(this.ctx, componentName, componentVersion));
    if (!version || version.state !== 'DEPLOYABLE') {
      throw notFound(`No deployable version ${componentVersion} of component ${componentName}`);
    }
    if (!version.recipe.Manifests.some((m) => manifestFits(m.Platform as Record<string, unknown> | undefined, platform))) {
      throw new AwsError(
        'ValidationException',
        `Component ${componentName} ${componentVersion} has no manifest for platform ${JSON.stringify(platform)}`,
      );
    }
    return structuredClone(version);
  }
}
