import { describe, expect, it } from 'vitest';
import { newestTlogEntries } from './config-tlog.js';

const KEY = ['system', 'certificateFilePath'] as const;
const line = (ts: number, tp: string[], w: string, v?: unknown) =>
  JSON.stringify({ TS: ts, TP: tp, W: w, ...(v === undefined ? {} : { V: v }) });
const newest = (...lines: string[]) => newestTlogEntries(lines.join('\n'), [KEY])[0];

describe('the newest tlog entry of a path', () => {
  it('reads the nucleus line format', () => {
    // As the nucleus writes it (Tlogline: TS, TP, W, V).
    expect(newest('{"TS":1588872930086,"TP":["system","certificateFilePath"],"W":"changed","V":"/greengrass/v2/thingCert.crt"}')).toEqual({
      kind: 'set',
      value: '/greengrass/v2/thingCert.crt',
      timestamp: 1588872930086,
    });
  });

  it('keeps the newest timestamp, and the later line of equal ones', () => {
    expect(newest(line(20, [...KEY], 'changed', 'b'), line(10, [...KEY], 'changed', 'a'))).toMatchObject({ value: 'b' });
    expect(newest(line(10, [...KEY], 'changed', 'a'), line(10, [...KEY], 'changed', 'c'))).toMatchObject({ value: 'c' });
  });

  it('lets a newer removal of the path or of a parent remove it, and anything after re-create it', () => {
    expect(newest(line(10, [...KEY], 'changed', 'a'), line(11, ['system'], 'removed'))).toEqual({ kind: 'removed', timestamp: 11 });
    expect(newest(line(10, [...KEY], 'changed', 'a'), line(9, [...KEY], 'removed'))).toMatchObject({ kind: 'set', value: 'a' });
    expect(newest(line(10, [...KEY], 'changed', 'a'), line(11, [...KEY], 'removed'), line(5, [...KEY], 'changed', 'z'))).toMatchObject({
      value: 'z',
    });
  });

  it('ignores other paths, other actions and lines it cannot read', () => {
    expect(
      newest(
        line(10, [...KEY], 'changed', 'a'),
        line(30, ['system', 'certificateFilePathOld'], 'changed', 'x'),
        line(30, ['system'], 'interiorAdded', null),
        line(30, [...KEY], 'timestampUpdated'),
        '\u0000\u0000\u0000',
        '{"TS":"soon","TP":["system","certificateFilePath"],"W":"changed","V":"y"}',
      ),
    ).toMatchObject({ value: 'a', timestamp: 10 });
    expect(newest()).toBeUndefined();
  });
});
