import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startNucleus, type Nucleus } from '../nucleus.js';
import { MemoryLogger } from '../../../../shared/test/support/memory-logger.js';
import { writeTestBuild } from '../../../test/support/nucleus/test-component.js';

const NAME = 'com.example.Probe';
/** Nothing listens there: the nucleus stays offline, which these lifecycle tests do not need. */
const OFFLINE_BROKER = { host: '127.0.0.1', port: 1, caPem: 'unused' };
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('component lifecycle under the nucleus stand-in', () => {
  let dir: string;
  let nucleus: Nucleus | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nucleus-life-'));
  });
  afterEach(async () => {
    await nucleus?.stop();
    nucleus = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (lifecycle: Record<string, unknown>, defaultConfiguration: Record<string, unknown> = {}) => {
    const output = await writeTestBuild(path.join(dir, 'build'), {
      name: NAME,
      files: { 'hello.txt': 'hello from the artifact' },
      lifecycle,
      defaultConfiguration,
    });
    nucleus = await startNucleus({
      root: path.join(dir, 'greengrass'),
      thingName: 'core-7',
      broker: OFFLINE_BROKER,
      deployment: { ...output, version: '2.0.0' },
      credentials: { kind: 'files', certificatePem: 'cert', privateKeyPem: 'key' },
      componentConfiguration: { greeting: 'hi {iot:thingName}' },
      region: 'eu-west-1',
      logger: new MemoryLogger(),
      restartDelayMs: 10,
    });
    return nucleus;
  };

  it('runs Install then Run with the recipe variables, environment and working directory Greengrass gives', async () => {
    const n = await start({
      Install: { Script: 'echo installing; echo "to stderr" >&2; echo done > {work:path}/installed', Timeout: 30 },
      Run: [
        'env > env.txt',
        'pwd > pwd.txt',
        'echo "greeting={configuration:/greeting}"',
        'echo "artifact=$(cat {artifacts:decompressedPath}/probe/hello.txt)"',
        'echo "zip={artifacts:path}/probe.zip root={kernel:rootPath}"',
        'sleep 600',
      ].join('\n'),
    });
    await expect.poll(() => n.componentState === 'RUNNING', { message: 'Run' }).toBe(true);
    const work = path.join(dir, 'greengrass', 'work', NAME);
    // The last echo's line in the log means env.txt and pwd.txt are complete, not just created.
    await expect.poll(async () => (await n.componentLog()).includes('stdout. zip='), { message: 'the Run script' }).toBe(true);
    const env = Object.fromEntries(
      (await readFile(path.join(work, 'env.txt'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const root = path.join(dir, 'greengrass');
    expect(env).toMatchObject({
      AWS_IOT_THING_NAME: 'core-7',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT: path.join(root, 'ipc.socket'),
      GG_ROOT_CA_PATH: path.join(root, 'rootCA.pem'),
    });
    expect(env.SVCUID).toMatch(/^[0-9A-F]{32}$/);
    expect(env.PATH?.split(':')[0]).toBe(path.join(root, 'nucleus-stand-in', 'bin'));
    expect((await readFile(path.join(work, 'pwd.txt'), 'utf8')).trim()).toBe(work);
    expect(await readFile(path.join(work, 'installed'), 'utf8')).toBe('done\n');
    const log = await n.componentLog();
    expect(log).toContain(`[INFO] (Copier) ${NAME}: stdout. installing. {scriptName=services.${NAME}.lifecycle.Install`);
    expect(log).toContain(`[WARN] (Copier) ${NAME}: stderr. to stderr.`);
    expect(log).toContain('stdout. greeting=hi core-7.');
    expect(log).toContain('stdout. artifact=hello from the artifact.');
    expect(log).toContain(`stdout. zip=${path.join(root, 'packages', 'artifacts', NAME, '2.0.0', 'probe.zip')} root=${root}.`);
    const effective = await readFile(path.join(root, 'config', 'effectiveConfig.yaml'), 'utf8');
    expect(effective).toContain('thingName: core-7');
    expect(effective).toContain('greeting: hi core-7');
  });

  it('restarts when the Run script runs `sudo systemctl restart greengrass.service`, running Install and Run again', async () => {
    const n = await start({
      Install: 'echo x >> {work:path}/installs',
      Run: 'if [ ! -f asked ]; then touch asked; sudo systemctl restart greengrass.service; echo "not restarted"; exit 3; fi\nsleep 600',
    });
    const restarted = new Promise<void>((resolve) => n.onRestart(resolve));
    await restarted;
    await expect.poll(() => n.status === 'running' && n.componentState === 'RUNNING', { message: 'the restarted component' }).toBe(true);
    expect(n.restartCount).toBe(1);
    expect(await readFile(path.join(dir, 'greengrass', 'work', NAME, 'installs'), 'utf8')).toBe('x\nx\n');
    expect(await n.componentLog()).not.toContain('not restarted');
  });

  it('a power cut kills every process of the component; the device starts again', async () => {
    const n = await start({ Run: 'sleep 600 & echo $! > child.pid; wait' });
    const pidFile = path.join(dir, 'greengrass', 'work', NAME, 'child.pid');
    // The shell creates the file before echo writes to it: an empty read would be pid 0, our own group.
    const writtenPid = async () => Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    await expect.poll(async () => (await writtenPid()) > 0, { message: 'the child' }).toBe(true);
    const child = await writtenPid();
    expect(processAlive(child)).toBe(true);
    await n.powerCut();
    await expect.poll(() => !processAlive(child), { message: 'the child to die' }).toBe(true);
    expect(n.status).toBe('off');
    await rm(pidFile);
    await n.start();
    await expect.poll(() => exists(pidFile), { message: 'the child after power is back' }).toBe(true);
    expect(n.componentState).toBe('RUNNING');
  });

  it('a power cut while a restart is stopping the component leaves the device off, not restarted', async () => {
    // The Run script takes its time to stop, so the cut falls inside the restart's stop.
    const n = await start({ Run: 'trap "sleep 2; exit 0" TERM\nwhile true; do sleep 0.1; done' });
    await expect.poll(() => n.componentState === 'RUNNING', { message: 'Run' }).toBe(true);
    const stopping = new Promise<void>((resolve) => n.onComponentState((state) => state === 'STOPPING' && resolve()));
    const restarting = n.restart();
    await stopping;
    await n.powerCut();
    // restart() resolves once it has decided: after a cut during its stop, it starts nothing.
    await restarting;
    expect(n.status).toBe('off');
    await n.start();
    await expect.poll(() => n.componentState === 'RUNNING', { message: 'Run after power is back' }).toBe(true);
  });

  it('marks a component whose Run keeps failing BROKEN after three errors', async () => {
    const n = await start({ Run: 'echo run >> runs; exit 4' });
    await expect.poll(() => n.componentState === 'BROKEN', { message: 'BROKEN' }).toBe(true);
    expect(await readFile(path.join(dir, 'greengrass', 'work', NAME, 'runs'), 'utf8')).toBe('run\nrun\nrun\n');
    expect(await n.componentLog()).toContain('Run script exited with 4');
  });
});
