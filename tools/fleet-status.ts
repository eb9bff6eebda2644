/** `npm run fleet-status -- --help`: the certificate and last rotation of every core in a thing group. */
import { fleetStatusMain } from './lib/fleet-status-command.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
fleetStatusMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`fleet-status: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
