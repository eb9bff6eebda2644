import { buildHandler } from './handler-bundling.js';

/** `build-handler-main.ts <entry> <outfile>`: bundles one handler (see handler-code.ts). */
const [entry, outfile] = process.argv.slice(2);
if (entry === undefined || outfile === undefined) {
  process.stderr.write('usage: build-handler-main.ts <entry> <outfile>\n');
  process.exitCode = 2;
} else {
  await buildHandler(entry, outfile);
}
