import { stateDiagram } from './diagram.js';

export const DIAGRAM_START_MARKER = '<!-- state-diagram:start -->';
export const DIAGRAM_END_MARKER = '<!-- state-diagram:end -->';

/** The README's block between the markers: the generated diagram as a mermaid fenced block. */
export function stateDiagramBlock(): string {
  return '```mermaid\n' + stateDiagram() + '```\n';
}

/** `readme` with the text between the markers replaced by the generated block. Throws if a marker is missing. */
export function embedStateDiagram(readme: string): string {
  const start = readme.indexOf(DIAGRAM_START_MARKER);
  const end = readme.indexOf(DIAGRAM_END_MARKER);
  if (start < 0 || end < start) {
    throw new Error(`README must contain ${DIAGRAM_START_MARKER} followed by ${DIAGRAM_END_MARKER}`);
  }
  const head = readme.slice(0, start + DIAGRAM_START_MARKER.length);
  return `${head}\n${stateDiagramBlock()}${readme.slice(end)}`;
}
