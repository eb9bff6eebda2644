import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { pollUntil } from '../../shared/wait/poll.js';

/**
 * The component's own Node.js process, read from Linux's /proc: the nucleus stand-in runs the
 * recipe's Run script with `sh -c`, and the script starts `node <root>/.../main.cjs`. The shell
 * is not measured, only the component.
 */
export interface ComponentProcess {
  pid: number;
  /** When the process started, epoch ms (to /proc's 10 ms clock tick). */
  startedAtMs: number;
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's start time; 100 on every Linux architecture Node.js runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

async function commandLine(pid: string): Promise<string[]> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return raw.split('\0').filter((a) => a.length > 0);
}

/** Epoch ms at which `pid` started: now, less its age (uptime less its start time since boot). */
async function startedAtMs(pid: number): Promise<number | undefined> {
  const [stat, uptime] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''), readFile('/proc/uptime', 'utf8')]);
  const now = Date.now();
  // Fields after the command name (which may hold spaces) start at field 3; the start time is field 22.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  const up = Number(uptime.split(' ')[0]);
  if (!Number.isFinite(ticks) || !Number.isFinite(up)) return undefined;
  return now - (up - ticks / CLOCK_TICKS_PER_SECOND) * 1000;
}

/** The Node.js process that runs the component installed under `root`, if one runs now. */
export async function findComponentProcess(root: string): Promise<ComponentProcess | undefined> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const argv = await commandLine(pid);
    const isNode = argv[0] !== undefined && /(^|\/)node$/.test(argv[0]);
    if (isNode && argv.some((a) => a.startsWith(root) && a.endsWith('main.cjs'))) {
      const started = await startedAtMs(Number(pid));
      if (started !== undefined) return { pid: Number(pid), startedAtMs: started };
    }
  }
  return undefined;
}

/** Waits for a component process other than `previous` to run under `root`. */
export async function awaitComponentProcess(root: string, previous: number | undefined, timeoutMs: number): Promise<ComponentProcess> {
  const { value, done } = await pollUntil(
    () => findComponentProcess(root),
    (p) => p !== undefined && p.pid !== previous,
    { timeoutMs, intervalMs: 20 },
  );
  if (!done || !value) throw new Error(`no component process under ${root} within ${timeoutMs / 1000} s`);
  return value;
}

/** Resident set size of `pid` (VmRSS), bytes. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/**
 * When the component, started at `sinceMs`, first logged that its state machine reached Idle
 * (subscribed to its topics, the next-job request answered, nothing to do): the timestamp the
 * component itself wrote on that line of its Greengrass log.
 */
export async function idleLoggedAtMs(logPath: string, sinceMs: number): Promise<number | undefined> {
  const log = await readFile(logPath, 'utf8').catch(() => '');
  for (const line of log.split('\n')) {
    if (!line.includes('"to":"Idle"')) continue;
    const stamp = /"timestamp":"([^"]+)"/.exec(line)?.[1];
    const at = stamp === undefined ? Number.NaN : Date.parse(stamp);
    // The process start is known to /proc's 10 ms tick; a line a tick before it is this start's.
    if (at >= sinceMs - 20) return at;
  }
  return undefined;
}

/**
 * VmRSS of a Node.js process of the same binary that loads nothing and waits: the floor under
 * the component's figure, for reading it.
 */
export async function bareNodeRssBytes(settleMs: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    if (child.pid === undefined) throw new Error('the bare Node.js process did not start');
    return await residentBytes(child.pid);
  } finally {
    child.kill('SIGKILL');
  }
}
