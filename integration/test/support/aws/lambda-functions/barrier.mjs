// Waits until `count` environments have reached it (each leaves a file named after its process
// in `dir`), or `waitMs` passed; counts its invocations in module state, which a reused
// environment keeps.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

let invocations = 0;

export const handler = async (event) => {
  invocations += 1;
  writeFileSync(path.join(event.dir, String(process.pid)), '');
  const deadline = Date.now() + event.waitMs;
  while (readdirSync(event.dir).length < event.count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return { pid: process.pid, invocations, met: readdirSync(event.dir).length >= event.count };
};
