import { describe, expect, it } from 'vitest';
import { formatAlerts, formatTable, mebibytes, ms } from './report.js';

describe('formatTable', () => {
  it('right-aligns numeric columns, left-aligns text, and prints notes', () => {
    const text = formatTable({
      title: 'T',
      columns: ['key', 'ms'],
      rows: [
        ['RSA-2048', '120.5'],
        ['EC', '3.25'],
      ],
      notes: ['n'],
    });
    expect(text.split('\n')).toEqual(['T', 'key          ms', '--------  -----', 'RSA-2048  120.5', 'EC         3.25', '  n']);
  });
});

describe('formatAlerts', () => {
  it('is empty without alerts and framed with them', () => {
    expect(formatAlerts([])).toBe('');
    expect(formatAlerts(['BRICKED: 1']).split('\n')[1]).toBe('!! BRICKED: 1');
  });
});

describe('units', () => {
  it('prints milliseconds with precision by size, and MiB', () => {
    expect([ms(1234.56), ms(12.345), ms(1.2345)]).toEqual(['1235', '12.3', '1.23']);
    expect(mebibytes(3 * 2 ** 20)).toBe('3.0');
  });
});
