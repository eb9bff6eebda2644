/**
 * Names that devices, operators and the original backend also use. Changing any of them breaks
 * compatibility with fleets and tooling built for the original.
 */

/** The Greengrass component. */
export const COMPONENT_NAME = 'aws.greengrass.labs.CertificateRotator';

/** Prefix of every backend resource name, the stack name of the CDK app and the default shadow name. */
export const DEFAULT_NAME_PREFIX = 'AWSLabsCertificateRotator';

/** The named shadow that records rotation progress, as the original backend names it. */
export const SHADOW_NAME = DEFAULT_NAME_PREFIX;

/** Display name of the notification topic, and the subject of every notification. */
export const NOTIFICATION_SUBJECT = 'AWS Labs Certificate Rotator Notification';

/** The three functions, each invoked by the topic rule of the same name. */
export interface RotatorFunctionNames {
  createCertificate: string;
  commitCertificate: string;
  jobExecutionTerminal: string;
}

/** Names of the backend's resources for a name prefix, as the original's stack names them. */
export interface BackendResourceNames {
  stack: string;
  jobTemplate: string;
  shadow: string;
  notificationTopic: string;
  functions: RotatorFunctionNames;
  rules: RotatorFunctionNames;
  /** The custom resource function that switches on job execution events. */
  jobExecutionEventsFunction: string;
}

export function backendResourceNames(prefix: string = DEFAULT_NAME_PREFIX): BackendResourceNames {
  const functions = {
    createCertificate: `${prefix}CreateCertificate`,
    commitCertificate: `${prefix}CommitCertificate`,
    jobExecutionTerminal: `${prefix}JobExecutionTerminal`,
  };
  return {
    stack: prefix,
    jobTemplate: prefix,
    shadow: prefix,
    notificationTopic: `${prefix}Notification`,
    functions,
    rules: { ...functions },
    jobExecutionEventsFunction: `${prefix}CustomResourceJobExecutionEvents`,
  };
}
