export interface MemoryPeaks {
  samples: number;
  peakRssBytes: number;
  peakHeapUsedBytes: number;
}

export interface MemorySampler {
  /** Starts a new window: the peaks so far are forgotten. */
  reset(): void;
  peaks(): MemoryPeaks;
  stop(): MemoryPeaks;
}

/**
 * Samples `process.memoryUsage()` every `intervalMs`. A sample costs little, but the timer is
 * unref'd so a forgotten sampler never keeps the process alive.
 */
export function sampleMemory(intervalMs = 100): MemorySampler {
  let peaks: MemoryPeaks = { samples: 0, peakRssBytes: 0, peakHeapUsedBytes: 0 };
  const sample = (): void => {
    const usage = process.memoryUsage();
    peaks = {
      samples: peaks.samples + 1,
      peakRssBytes: Math.max(peaks.peakRssBytes, usage.rss),
      peakHeapUsedBytes: Math.max(peaks.peakHeapUsedBytes, usage.heapUsed),
    };
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    reset: () => {
      peaks = { samples: 0, peakRssBytes: 0, peakHeapUsedBytes: 0 };
      sample();
    },
    peaks: () => ({ ...peaks }),
    stop: () => {
      clearInterval(timer);
      sample();
      return { ...peaks };
    },
  };
}
