import { describe, expect, it } from 'vitest';
import { StdoutLogger, type LineSink } from './stdout-logger.js';

function sink(): LineSink & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    write(chunk, callback) {
      if (chunk !== '') lines.push(chunk);
      callback?.();
      return true;
    },
  };
}

const now = () => new Date('2025-01-02T03:04:05.000Z');

describe('StdoutLogger', () => {
  it('writes one JSON object per line, info to stdout and errors to stderr', () => {
    const out = sink();
    const err = sink();
    const logger = new StdoutLogger({ stdout: out, stderr: err, now });
    logger.info('Changing state', { state: 'GettingJob' });
    logger.error('Rollback failed', { error: new Error('disk full') });
    expect(out.lines).toEqual([
      '{"timestamp":"2025-01-02T03:04:05.000Z","level":"INFO","message":"Changing state","state":"GettingJob"}\n',
    ]);
    expect(JSON.parse(err.lines[0]!)).toEqual({
      timestamp: '2025-01-02T03:04:05.000Z',
      level: 'ERROR',
      message: 'Rollback failed',
      error: { name: 'Error', message: 'disk full' },
    });
  });

  it('drops levels below the minimum', () => {
    const out = sink();
    const logger = new StdoutLogger({ stdout: out, stderr: sink(), level: 'info', now });
    logger.debug('noise');
    expect(out.lines).toEqual([]);
  });

  it('masks a PEM private key handed to it by mistake', () => {
    const out = sink();
    const logger = new StdoutLogger({ stdout: out, stderr: sink(), now });
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n';
    logger.info(`oops ${pem}`, { key: pem, certificateId: 'abc' });
    expect(out.lines[0]).not.toContain('MIIEow');
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ key: '[private key redacted]\n', certificateId: 'abc' });
  });

  it('keeps the message when fields cannot be serialised', () => {
    const out = sink();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    new StdoutLogger({ stdout: out, stderr: sink(), now }).info('still here', { circular });
    expect(JSON.parse(out.lines[0]!)).toEqual({ timestamp: '2025-01-02T03:04:05.000Z', level: 'INFO', message: 'still here' });
  });

  it('flush resolves after both streams drain', async () => {
    await expect(new StdoutLogger({ stdout: sink(), stderr: sink() }).flush()).resolves.toBeUndefined();
  });
});
