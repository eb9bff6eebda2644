import { watch, type FSWatcher } from 'node:fs';
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** How long the shim waits to be killed by the restart before it reports failure. */
const SHIM_WAIT_SECONDS = 60;

const systemctlShim = (requestsDir: string): string => `#!/bin/sh
# systemctl on the component's PATH under the nucleus stand-in: "restart greengrass" asks the
# stand-in to restart, which (as systemd does) ends this script with the rest of the service.
action="$1"
unit="\${2%.service}"
case "$action" in
  restart|stop) ;;
  *) echo "systemctl (nucleus stand-in): unsupported command: $*" >&2; exit 1 ;;
esac
if [ "$unit" != "greengrass" ]; then
  echo "Failed to $action $2: Unit $2 not found." >&2
  exit 5
fi
request="${requestsDir}/$action-$$"
echo "$action" > "$request.tmp" && mv "$request.tmp" "$request" || exit 1
sleep ${SHIM_WAIT_SECONDS}
echo "systemctl (nucleus stand-in): greengrass did not $action" >&2
exit 1
`;

/** The component runs as root already; sudo only runs its command. */
const sudoShim = `#!/bin/sh
# sudo on the component's PATH under the nucleus stand-in: the component runs privileged already.
while [ $# -gt 0 ]; do
  case "$1" in
    -E|-H|-n|-S) shift ;;
    -u) shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
exec "$@"
`;

export type ServiceRequest = 'restart' | 'stop';

/**
 * The Run script's way to restart Greengrass: `systemctl` and `sudo` shims first on the
 * script's PATH; `systemctl restart greengrass.service` drops a request file that the
 * stand-in watches.
 */
export class RestartChannel {
  private watcher: FSWatcher | undefined;
  private readonly handled = new Set<string>();

  private constructor(
    readonly binDir: string,
    private readonly requestsDir: string,
  ) {}

  static async create(stateDir: string): Promise<RestartChannel> {
    const binDir = path.join(stateDir, 'bin');
    const requestsDir = path.join(stateDir, 'requests');
    await mkdir(binDir, { recursive: true });
    await mkdir(requestsDir, { recursive: true });
    await writeFile(path.join(binDir, 'systemctl'), systemctlShim(requestsDir));
    await writeFile(path.join(binDir, 'sudo'), sudoShim);
    await chmod(path.join(binDir, 'systemctl'), 0o755);
    await chmod(path.join(binDir, 'sudo'), 0o755);
    return new RestartChannel(binDir, requestsDir);
  }

  /** Starts delivering requests; requests left from before (a power cut) are discarded. */
  async listen(onRequest: (request: ServiceRequest) => void): Promise<void> {
    this.close();
    for (const stale of await readdir(this.requestsDir)) await rm(path.join(this.requestsDir, stale), { force: true });
    // A listen that overlapped this one may have installed its watcher meanwhile; one watcher only.
    this.close();
    this.watcher = watch(this.requestsDir, () => void this.scan(onRequest));
  }

  private async scan(onRequest: (request: ServiceRequest) => void): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.requestsDir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.endsWith('.tmp') || this.handled.has(name)) continue;
      this.handled.add(name);
      await rm(path.join(this.requestsDir, name), { force: true });
      onRequest(name.startsWith('stop') ? 'stop' : 'restart');
    }
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
