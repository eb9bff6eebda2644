import { describe, expect, it } from 'vitest';
import { replay, rotationLives } from './fsm-sequence.js';

describe('the rotation event sequence', () => {
  it('drives the state machine through a whole rotation: 18 transitions, Stopped then Idle', () => {
    expect(replay(rotationLives('CSR', 'CERT'), 'core-1')).toBe(18);
  });

  it('is refused when an event would be ignored', () => {
    const [first, second] = rotationLives('CSR', 'CERT');
    if (!first || !second) throw new Error('two lives expected');
    const broken = [{ ...first, events: [first.events[0]!, { type: 'commitAccepted' as const }] }, second];
    expect(() => replay(broken, 'core-1')).toThrow(/commitAccepted was ignored/);
  });

  it('is refused when a life ends in another state', () => {
    const [first] = rotationLives('CSR', 'CERT');
    if (!first) throw new Error('a life expected');
    expect(() => replay([{ ...first, endsIn: 'Idle' }], 'core-1')).toThrow(/ended in Stopped, expected Idle/);
  });
});
