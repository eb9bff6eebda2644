import { vi } from 'vitest';

/** One CloudWatch embedded metric format line: its metric values, dimensions and definitions. */
export interface EmfLine {
  [key: string]: unknown;
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }>;
  };
}

/**
 * Runs `work` with metrics switched on (the test configuration turns them off, and Powertools reads
 * the switch when a handler is created) and returns the EMF lines printed on stdout meanwhile;
 * other output passes through.
 */
export async function captureEmf<T>(work: () => Promise<T>): Promise<{ result: T; lines: EmfLine[] }> {
  const restoreSwitch = metricsOn();
  const lines: EmfLine[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    for (const text of String(chunk).split('\n')) {
      if (!text.includes('"_aws"')) continue;
      try {
        lines.push(JSON.parse(text) as EmfLine);
      } catch {
        // not a metrics line after all
      }
    }
    return String(chunk).includes('"_aws"') ? true : (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  });
  try {
    return { result: await work(), lines };
  } finally {
    spy.mockRestore();
    restoreSwitch();
  }
}

/** Switches metrics on for handlers created from now; returns what switches the setting back. */
export function metricsOn(): () => void {
  const before = process.env['POWERTOOLS_METRICS_DISABLED'];
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'false';
  return () => {
    if (before === undefined) delete process.env['POWERTOOLS_METRICS_DISABLED'];
    else process.env['POWERTOOLS_METRICS_DISABLED'] = before;
  };
}

/** The value of metric `name` in the EMF lines whose dimensions match `dimensions`, summed. */
export function emfValue(lines: readonly EmfLine[], name: string, dimensions: Record<string, string> = {}): number {
  let total = 0;
  for (const line of lines) {
    const defined = line._aws.CloudWatchMetrics.some((m) => m.Metrics.some((metric) => metric.Name === name));
    const matches = Object.entries(dimensions).every(([key, value]) => line[key] === value);
    const value = line[name];
    if (defined && matches) total += Array.isArray(value) ? value.reduce((a: number, b: number) => a + b, 0) : Number(value);
  }
  return total;
}
