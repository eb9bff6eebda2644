/** `npm run deploy-component-version -- --help`: deploys a component version to a thing group and waits for it. */
import { deployMain } from './lib/deploy-component-version.js';

deployMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`deploy-component-version: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
