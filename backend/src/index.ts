/** Public surface of the backend's Lambda code, for callers in the same process (tests, tools). */
export {
  createCreateCertificateHandler,
  type CreateCertificateSettings,
  type RotationHandler,
} from './rotation/create-certificate-handler.js';
export { createCommitCertificateHandler, type CommitCertificateSettings } from './rotation/commit-certificate.js';
export { createJobExecutionTerminalHandler, type JobExecutionTerminalSettings } from './rotation/job-execution-terminal.js';
export { createJobExecutionEventsHandler, type JobExecutionEventsSettings } from './handlers/job-execution-events.js';
export { createRotationSchedulerHandler, type RotationSchedulerHandler, type RunReport } from './scheduler/rotation-scheduler.js';
export type { SchedulerSettings, SchedulerTiming, RotationPolicy } from './scheduler/settings.js';
export type { HandlerSettings, TimingSettings } from './rotation/handler-settings.js';
export type { ClientConfig } from './aws/clients.js';
export type { InvocationContext } from './runtime/time-budget.js';
export type { CertificateIssuer, CertificateIssuerFactory, IssuedCertificate } from './issuers/certificate-issuer.js';
export type { PrivateCaSettings } from './issuers/private-ca-issuer.js';
export type { IssuerSettings } from './issuers/issuer-settings.js';
export { PCA_SIGNING_ALGORITHMS, type PcaSigningAlgorithm } from './issuers/pca-signing-algorithms.js';
