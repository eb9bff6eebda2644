/**
 * Regenerates the state diagram in the repository README from the component's transition table.
 * Usage: npx tsx component/scripts/write-state-diagram.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { embedStateDiagram } from '../src/fsm/diagram-readme.js';

const readmePath = fileURLToPath(new URL('../../README.md', import.meta.url));
const before = readFileSync(readmePath, 'utf8');
const after = embedStateDiagram(before);
if (after === before) {
  console.log(`${readmePath}: state diagram already up to date`);
} else {
  writeFileSync(readmePath, after);
  console.log(`${readmePath}: state diagram updated`);
}
