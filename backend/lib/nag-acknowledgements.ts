import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A wildcard resource in an IAM policy, and why it cannot be narrower. */
export interface Wildcard {
  /** The resource as cdk-nag prints it, e.g. `arn:<AWS::Partition>:iot:...:cert/*` or `*`. */
  readonly resource: string;
  readonly reason: string;
}

/**
 * Acknowledges cdk-nag AwsSolutions-IAM5 findings one resource pattern at a time, so a new
 * wildcard added later is still reported.
 */
export function acknowledgeWildcards(scope: IConstruct, wildcards: readonly Wildcard[]): void {
  for (const { resource, reason } of wildcards) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  }
}
