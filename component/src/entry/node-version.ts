/** The oldest Node.js major version the component runs on (the recipe's Install step checks the same). */
export const REQUIRED_NODE_MAJOR = 20;

/**
 * Returns why this Node.js cannot run the component, or undefined when it can.
 * Written without newer syntax so that it still reports on an old runtime.
 */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(version.replace(/^v/, '').split('.')[0]);
  if (Number.isInteger(major) && major >= REQUIRED_NODE_MAJOR) return undefined;
  return `aws.greengrass.labs.CertificateRotator needs Node.js ${REQUIRED_NODE_MAJOR} or later; this is Node.js ${version}`;
}
