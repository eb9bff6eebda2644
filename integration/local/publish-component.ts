import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateComponentVersionCommand, DescribeComponentCommand, type GreengrassV2Client } from '@aws-sdk/client-greengrassv2';
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parse, stringify } from 'yaml';

export interface PublishedVersion {
  arn: string;
  componentName: string;
  componentVersion: string;
}

export interface PublishInput {
  /** `greengrass-build/recipes/recipe.yaml` as `npm run build` (GDK's custom build) writes it. */
  recipePath: string;
  /** The one artifact of the build. */
  artifactPath: string;
  /** Fills a `{COMPONENT_VERSION}` the build left open. */
  version: string;
  /** gdk-config.json's `publish.bucket`; GDK appends the region and account. */
  bucketPrefix: string;
  region: string;
  accountId: string;
}

const notFound = (error: unknown): boolean => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchBucket' || e.$metadata?.httpStatusCode === 404;
};

/**
 * `gdk component publish` in TypeScript, for the stand-in: creates the artifact bucket
 * `<prefix>-<region>-<account>` when missing, uploads the artifact to
 * `s3://<bucket>/<name>/<version>/<file>`, writes that URI and the version into the recipe, and
 * creates the component version; resolves once the service has found it DEPLOYABLE.
 */
export async function publishComponentVersion(
  clients: { s3: S3Client; greengrass: GreengrassV2Client },
  input: PublishInput,
): Promise<PublishedVersion> {
  const { s3, greengrass } = clients;
  const template = parse(await readFile(input.recipePath, 'utf8')) as Record<string, unknown>;
  const name = String(template.ComponentName);
  const bucket = `${input.bucketPrefix}-${input.region}-${input.accountId}`;
  const file = path.basename(input.artifactPath);
  const key = `${name}/${input.version}/${file}`;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!notFound(error)) throw error;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(input.artifactPath) }));
  const text = stringify(template)
    .replaceAll('{COMPONENT_NAME}', name)
    .replaceAll('{COMPONENT_VERSION}', input.version)
    .replaceAll('BUCKET_NAME', bucket)
    .replaceAll('COMPONENT_NAME', name)
    .replaceAll('COMPONENT_VERSION', input.version);
  const created = await greengrass.send(new CreateComponentVersionCommand({ inlineRecipe: Buffer.from(text) }));
  const arn = created.arn ?? '';
  const described = await greengrass.send(new DescribeComponentCommand({ arn }));
  if (described.status?.componentState !== 'DEPLOYABLE') {
    throw new Error(`${name} ${input.version} is ${described.status?.componentState}: ${JSON.stringify(described.status?.errors ?? {})}`);
  }
  return { arn, componentName: name, componentVersion: input.version };
}
