import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { edge, stateDiagram } from './diagram.js';
import { DIAGRAM_END_MARKER, DIAGRAM_START_MARKER, embedStateDiagram, stateDiagramBlock } from './diagram-readme.js';
import { TRANSITIONS } from './table.js';

const README = new URL('../../../README.md', import.meta.url);

describe('state diagram', () => {
  it('has one edge per table row, after the header', () => {
    const lines = stateDiagram().trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['stateDiagram-v2', '    [*] --> Starting']);
    expect(lines.slice(2)).toEqual(TRANSITIONS.map(edge));
  });

  it('labels contain nothing that ends a mermaid transition label early', () => {
    for (const line of stateDiagram().trimEnd().split('\n')) {
      expect(line).not.toMatch(/[#;]/);
    }
  });

  it('draws a guarded row with its condition and facts', () => {
    const row = TRANSITIONS.find((r) => r.id === 'GettingJob.getAccepted.inProgress.backup');
    expect(row && edge(row)).toBe(
      '    GettingJob --> CommittingCertificate : get/accepted [IN_PROGRESS rotation job, backup] / publish commit',
    );
  });

  it('the README carries the current diagram (run component/scripts/write-state-diagram.ts after changing the table)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(`${DIAGRAM_START_MARKER}\n${stateDiagramBlock()}${DIAGRAM_END_MARKER}`);
    expect(embedStateDiagram(readme)).toBe(readme);
  });

  it('embedding replaces only the block between the markers', () => {
    const before = `# T\n\n${DIAGRAM_START_MARKER}\nstale\n${DIAGRAM_END_MARKER}\n\nafter\n`;
    expect(embedStateDiagram(before)).toBe(`# T\n\n${DIAGRAM_START_MARKER}\n${stateDiagramBlock()}${DIAGRAM_END_MARKER}\n\nafter\n`);
    expect(() => embedStateDiagram('# no markers')).toThrow(/state-diagram:start/);
  });
});
