import { RemovalPolicy, Token } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import { DEFAULT_NAME_PREFIX } from '../../shared/contract/index.js';
import { PCA_SIGNING_ALGORITHMS, type PcaSigningAlgorithm } from '../src/issuers/pca-signing-algorithms.js';
import { resolveRotationSchedule, type ResolvedRotationSchedule, type RotationScheduleProps } from './rotation-schedule-props.js';

/** Who signs the new device certificates. */
export type CertificateIssuerKind = 'iot' | 'pca';

/**
 * Rollout rate of the jobs created from the job template. The defaults keep a large fleet well
 * below the AWS IoT control-plane rate limits that every rotation spends calls against.
 */
export interface JobRolloutSettings {
  /**
   * Most job executions started per minute (1-1000).
   * @default 100
   */
  readonly maximumPerMinute?: number;
  /**
   * Starting rate of the exponential rollout, executions per minute (1-1000).
   * @default 100
   */
  readonly baseRatePerMinute?: number;
  /**
   * Factor by which the rate grows each time the criterion is met (1.1-5, one decimal).
   * @default 1.2
   */
  readonly incrementFactor?: number;
  /**
   * Number of things that must succeed before the rate grows.
   * @default 100
   */
  readonly numberOfSucceededThings?: number;
}

/** The CloudWatch dashboard and alarm the backend always gets. */
export interface MonitoringSettings {
  /**
   * Rotations failed or timed out within five minutes that raise the alarm (1-1000).
   * @default 1
   */
  readonly alarmThreshold?: number;
  /**
   * Send the alarm (when it fires and when it clears) to the notification topic. The topic is then
   * encrypted with a customer managed KMS key instead of `alias/aws/sns`, which CloudWatch cannot use.
   * @default false
   */
  readonly alarmToNotificationTopic?: boolean;
}

/** Properties of {@link CertificateRotatorBackend}. */
export interface CertificateRotatorBackendProps {
  /**
   * Who issues the new device certificates: `iot` (AWS IoT Core, CreateCertificateFromCsr) or
   * `pca` (AWS Private CA, IssueCertificate then RegisterCertificateWithoutCA).
   * @default 'pca' when `privateCaArn` is set, otherwise 'iot'
   */
  readonly issuer?: CertificateIssuerKind;
  /**
   * ARN of the AWS Private CA certificate authority that issues device certificates.
   * Required when `issuer` is `pca`, not allowed when it is `iot`.
   * @default - none; AWS IoT Core issues certificates
   */
  readonly privateCaArn?: string;
  /**
   * Validity of Private CA certificates, in days. Seven suits CAs in short-lived mode; a
   * general-purpose CA usually warrants more.
   * @default 7
   */
  readonly pcaValidityInDays?: number;
  /**
   * Algorithm Private CA signs certificates with. Its family (RSA or ECDSA) must match the
   * CA's key. Not the algorithm the device signs its CSR with.
   * @default 'SHA256WITHRSA'
   */
  readonly pcaSigningAlgorithm?: PcaSigningAlgorithm;
  /**
   * Rollout rate of rotation jobs created from the job template.
   * @default - 100 per minute, exponential from 100 per minute, x1.2 after each 100 successes
   */
  readonly rollout?: JobRolloutSettings;
  /**
   * Minutes a job execution may stay IN_PROGRESS before AWS IoT marks it TIMED_OUT (1-10080).
   * @default 5
   */
  readonly inProgressTimeoutMinutes?: number;
  /**
   * Prefix of every resource name (functions, rules, job template id, shadow name, topic).
   * Devices running the original component expect the default. Letters, digits and `_`,
   * at most 32 characters (Lambda function names are limited to 64).
   * @default 'AWSLabsCertificateRotator'
   */
  readonly namePrefix?: string;
  /**
   * Retention of the functions' log groups.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log groups when the construct is removed. `DESTROY` lets the stack be
   * deployed again under the same names after it was deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Rotate certificates before they expire, without a person: a scheduled function that starts
   * rotation jobs for the watched cores whose certificate is due (see {@link RotationScheduleProps}).
   * @default - no scheduler; rotations start only when someone creates a job
   */
  readonly schedule?: RotationScheduleProps;
  /**
   * The CloudWatch dashboard and the alarm on failed or timed-out rotations.
   * @default - alarm at 1 failed or timed-out rotation in five minutes, shown on the dashboard only
   */
  readonly monitoring?: MonitoringSettings;
}

/** Props with every default applied and every value checked. */
export interface ResolvedBackendProps {
  readonly issuer: CertificateIssuerKind;
  readonly privateCaArn: string | undefined;
  readonly pcaValidityInDays: number;
  readonly pcaSigningAlgorithm: PcaSigningAlgorithm;
  readonly rollout: Required<JobRolloutSettings>;
  readonly inProgressTimeoutMinutes: number;
  readonly namePrefix: string;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly schedule: ResolvedRotationSchedule | undefined;
  readonly monitoring: Required<MonitoringSettings>;
}

const PCA_ARN = /^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[A-Za-z0-9-]+$/;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const schema = z.object({
  issuer: z.enum(['iot', 'pca']).optional(),
  // A token (e.g. an ARN built from the stack's account and region) is checked by CloudFormation.
  privateCaArn: z
    .string()
    .refine((arn) => Token.isUnresolved(arn) || PCA_ARN.test(arn), 'must be an AWS Private CA certificate-authority ARN')
    .optional(),
  pcaValidityInDays: int(1, 36_500).default(7),
  pcaSigningAlgorithm: z.enum(PCA_SIGNING_ALGORITHMS).default('SHA256WITHRSA'),
  rollout: z
    .object({
      maximumPerMinute: int(1, 1000).default(100),
      baseRatePerMinute: int(1, 1000).default(100),
      incrementFactor: z
        .number()
        .min(1.1)
        .max(5)
        .refine((f) => Math.abs(f * 10 - Math.round(f * 10)) < 1e-9, 'must have at most one decimal place')
        .default(1.2),
      numberOfSucceededThings: int(1, Number.MAX_SAFE_INTEGER).default(100),
    })
    .default({ maximumPerMinute: 100, baseRatePerMinute: 100, incrementFactor: 1.2, numberOfSucceededThings: 100 }),
  inProgressTimeoutMinutes: int(1, 10_080).default(5),
  namePrefix: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,32}$/, 'must be 1-32 letters, digits or underscores')
    .default(DEFAULT_NAME_PREFIX),
  logRetention: z.enum(RetentionDays).default(RetentionDays.ONE_YEAR),
  logRemovalPolicy: z.enum(RemovalPolicy).default(RemovalPolicy.DESTROY),
  monitoring: z
    .object({ alarmThreshold: int(1, 1000).default(1), alarmToNotificationTopic: z.boolean().default(false) })
    .default({ alarmThreshold: 1, alarmToNotificationTopic: false }),
});

/**
 * Applies the defaults and checks every prop.
 * @throws Error naming the offending prop, e.g. `pcaSigningAlgorithm: Invalid option ...`
 */
export function resolveBackendProps(props: CertificateRotatorBackendProps = {}): ResolvedBackendProps {
  const parsed = schema.safeParse(props);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(props)'}: ${i.message}`);
    throw new Error(`CertificateRotatorBackend: invalid props: ${details.join('; ')}`);
  }
  const p = parsed.data;
  const issuer = p.issuer ?? (p.privateCaArn === undefined ? 'iot' : 'pca');
  if (issuer === 'pca' && p.privateCaArn === undefined) {
    throw new Error("CertificateRotatorBackend: invalid props: privateCaArn: required when issuer is 'pca'");
  }
  if (issuer === 'iot' && p.privateCaArn !== undefined) {
    throw new Error("CertificateRotatorBackend: invalid props: issuer: 'iot' cannot be combined with privateCaArn");
  }
  const schedule =
    props.schedule === undefined ? undefined : resolveRotationSchedule(props.schedule, issuer === 'pca' ? p.pcaValidityInDays : undefined);
  return { ...p, issuer, privateCaArn: p.privateCaArn, schedule };
}
