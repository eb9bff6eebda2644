export * from './types.js';
export { transition, initialState } from './transition.js';
export { TRANSITIONS } from './table.js';
export type { TransitionRow, RowEffects } from './row.js';
export { FAILURE_REASONS } from './actions.js';
export { stateDiagram } from './diagram.js';
export { embedStateDiagram, stateDiagramBlock, DIAGRAM_START_MARKER, DIAGRAM_END_MARKER } from './diagram-readme.js';
