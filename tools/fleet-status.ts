/** `npm run fleet-status -- --help`: the certificate and last rotation of every core in a thing group. */
import { exitWith, silenceSdkNodeVersionNotice } from '../shared/cli/run-command.js';
import { fleetStatusMain } from './lib/fleet-status-command.js';

silenceSdkNodeVersionNotice();
exitWith('fleet-status', fleetStatusMain(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }));
