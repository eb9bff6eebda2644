/** `npm run deploy-component-version -- --help`: deploys a component version to a thing group and waits for it. */
import { exitWith, silenceSdkNodeVersionNotice } from '../shared/cli/run-command.js';
import { deployMain } from './lib/deploy-component-version.js';

silenceSdkNodeVersionNotice();
exitWith('deploy-component-version', deployMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }));
