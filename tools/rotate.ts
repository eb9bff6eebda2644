/** `npm run rotate -- --help`: starts and watches a certificate rotation job. */
import { exitWith, silenceSdkNodeVersionNotice } from '../shared/cli/run-command.js';
import { rotateMain } from './lib/rotate.js';

silenceSdkNodeVersionNotice();
exitWith('rotate', rotateMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }));
