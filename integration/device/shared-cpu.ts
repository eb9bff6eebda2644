import type { CredentialStore } from '../../component/src/credentials/credential-store.js';

/**
 * The CPU that simulated cores share. A real device generates its new key on its own CPU; the
 * simulated cores of one machine would all generate theirs at the same moment when a job reaches
 * them, queueing on libuv's few threads in front of the AWS stand-in's own work (its certificate
 * signing, its file writes), so that replies come late for every core at once. The gate lets a few
 * key generations run at a time, in arrival order, and leaves the rest of the machine to the rest.
 */
export class CpuGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly slots: number) {
    if (!(Number.isInteger(slots) && slots >= 1)) throw new Error(`CPU gate slots must be a whole number >= 1, got ${slots}`);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next in line; a turn of the event loop first, so that a
      // key generation that blocks it (PKCS#11 tokens) lets the broker and the backend run between two.
      if (next) setImmediate(next);
      else this.running -= 1;
    }
  }
}

/** The store with its key generation (createCsr) taking turns at the gate; everything else as is. */
export function gatedKeyGeneration(store: CredentialStore, gate: CpuGate): CredentialStore {
  return {
    checkSupported: (algorithms) => store.checkSupported(algorithms),
    createCsr: (algorithms) => gate.run(() => store.createCsr(algorithms)),
    rotate: (certificatePem) => store.rotate(certificatePem),
    rollback: () => store.rollback(),
    backupExists: () => store.backupExists(),
    installedCredentialsMatch: () => store.installedCredentialsMatch(),
    deleteBackup: () => store.deleteBackup(),
    keptCertificateId: () => store.keptCertificateId(),
  };
}
