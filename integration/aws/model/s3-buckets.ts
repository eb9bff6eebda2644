import { createHash } from 'node:crypto';
import { AwsError } from './errors.js';

export interface StoredObject {
  bytes: Buffer;
  /** The quoted MD5 of the bytes, as S3 gives it for a single-part upload. */
  etag: string;
  /** Epoch milliseconds. */
  lastModified: number;
  contentType: string;
}

/** S3's rule for new bucket names (no dots here: virtual-hosted TLS would need them escaped). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * The few S3 buckets and objects that publishing a Greengrass component needs: the artifact
 * bucket (`gdk component publish` creates it) and the artifacts in it, kept in memory.
 */
export class S3Buckets {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  constructor(private readonly now: () => number) {}

  createBucket(bucket: string): void {
    if (!BUCKET_NAME.test(bucket)) throw new AwsError('InvalidBucketName', `The specified bucket is not valid: ${bucket}`);
    if (this.buckets.has(bucket)) {
      throw new AwsError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.');
    }
    this.buckets.set(bucket, new Map());
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  putObject(bucket: string, key: string, bytes: Buffer, contentType = 'binary/octet-stream'): StoredObject {
    const objects = this.bucket(bucket);
    const stored: StoredObject = {
      bytes: Buffer.from(bytes),
      etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
      lastModified: this.now(),
      contentType,
    };
    objects.set(key, stored);
    return stored;
  }

  getObject(bucket: string, key: string): StoredObject {
    const stored = this.bucket(bucket).get(key);
    if (!stored) throw new AwsError('NoSuchKey', 'The specified key does not exist.');
    return stored;
  }

  /** The object at an `s3://bucket/key` URI, or undefined when there is none. */
  objectAt(uri: string): StoredObject | undefined {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!match?.[1] || !match[2]) return undefined;
    return this.buckets.get(match[1])?.get(match[2]);
  }

  private bucket(bucket: string): Map<string, StoredObject> {
    const objects = this.buckets.get(bucket);
    if (!objects) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist');
    return objects;
  }
}
