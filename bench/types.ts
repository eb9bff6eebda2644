/** What every benchmark gets from the runner. */
export interface BenchContext {
  /** Smaller sizes, for a CI smoke run. */
  quick: boolean;
  /** How many times faster than real the AWS minute runs in fleet runs (rollout windows, job timeouts). */
  minuteScale: number;
  /** Fleet runs: this many cores instead of the default size. */
  devices?: number;
  /** The RSA-2048 fleet and its key generation: this many cores (default: the fleet size). */
  rsaDevices?: number;
  /** A progress line for the operator (stderr); never part of the results. */
  progress(line: string): void;
}

export type Cell = string | number;

export interface BenchTable {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Lines printed under the table: the settings the figures depend on. */
  notes?: string[];
}

export interface BenchResult {
  name: string;
  tables: BenchTable[];
  /** Figures for machines (the `--json` output). */
  data: unknown;
  /** Things that must not go unnoticed (a bricked core, a failed rotation); printed loudly. */
  alerts: string[];
}

export interface Benchmark {
  name: string;
  description: string;
  /** Runs only when `--only` names it: it repeats part of another benchmark, for a quicker look. */
  onlyWhenNamed?: boolean;
  run(context: BenchContext): Promise<BenchResult>;
}
