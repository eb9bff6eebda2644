/**
 * Process entry of aws.greengrass.labs.CertificateRotator. The Node.js version is checked
 * before anything else loads (the native AWS CRT module included), so an old runtime gets a
 * plain answer instead of a stack trace.
 */
import { nodeVersionProblem } from './entry/node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
} else {
  import('./entry/run.js')
    .then(({ run }) => run())
    .catch((error: unknown) => {
      // Reached when a module cannot load, e.g. no native AWS CRT binary for this platform.
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`aws.greengrass.labs.CertificateRotator could not load: ${reason}\n`);
      process.exit(1);
    });
}
