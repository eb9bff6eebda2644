import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CertificateRotatorBackend } from './certificate-rotator-backend.js';
import { PCA_SIGNING_ALGORITHMS, type PcaSigningAlgorithm } from '../src/issuers/pca-signing-algorithms.js';

/** The CDK context variables the stack reads, with what each means (shown when one is missing). */
export const CONTEXT_VARIABLES = {
  PcaCaId: 'ID of the AWS Private CA certificate authority that issues device certificates; empty for AWS IoT Core',
  PcaValidityInDays: 'Number of days the device certificates issued by AWS Private CA are valid for',
  PcaSigningAlgorithm: `Algorithm AWS Private CA signs device certificates with: ${PCA_SIGNING_ALGORITHMS.join(' | ')}`,
} as const;
type ContextVariable = keyof typeof CONTEXT_VARIABLES;

/** The backend as one stack, configured from CDK context (`-c PcaCaId=...`) like the original. */
export class CertificateRotatorStack extends Stack {
  public readonly backend: CertificateRotatorBackend;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const pcaCaId = this.contextVariable('PcaCaId').trim();
    const privateCaArn =
      pcaCaId === '' ? undefined : this.formatArn({ service: 'acm-pca', resource: 'certificate-authority', resourceName: pcaCaId });

    this.backend = new CertificateRotatorBackend(this, 'Backend', {
      privateCaArn,
      pcaValidityInDays: this.validityInDays(),
      pcaSigningAlgorithm: this.signingAlgorithm(),
    });
  }

  private contextVariable(name: ContextVariable): string {
    const value: unknown = this.node.tryGetContext(name);
    if (value === undefined) {
      throw new Error(`Context variable undefined: ${name} (${CONTEXT_VARIABLES[name]})`);
    }
    // `-c Name=7` and cdk.json may give numbers; the text is what the original read.
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new Error(`Context variable ${name} must be a string (${CONTEXT_VARIABLES[name]})`);
    }
    return String(value);
  }

  private validityInDays(): number {
    const text = this.contextVariable('PcaValidityInDays').trim();
    if (!/^\d+$/.test(text) || Number(text) < 1) {
      throw new Error(`Context variable PcaValidityInDays must be a whole number of days, got "${text}"`);
    }
    return Number(text);
  }

  private signingAlgorithm(): PcaSigningAlgorithm {
    const text = this.contextVariable('PcaSigningAlgorithm').trim();
    const algorithm = PCA_SIGNING_ALGORITHMS.find((a) => a === text);
    if (algorithm === undefined) {
      throw new Error(`Context variable PcaSigningAlgorithm must be one of ${PCA_SIGNING_ALGORITHMS.join(', ')}, got "${text}"`);
    }
    return algorithm;
  }
}
