/** `npm run rotate -- --help`: starts and watches a certificate rotation job. */
import { rotateMain } from './lib/rotate.js';

rotateMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`rotate: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
