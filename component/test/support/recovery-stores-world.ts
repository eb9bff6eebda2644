import { createHash, X509Certificate } from 'node:crypto';
import type { AlgorithmConfig } from '../../src/config/algorithms.js';
import { STATE_TIMEOUT_MS } from '../../src/fsm/types.js';
import { certificateCommitTopic, certificateCreateTopic, jobUpdateTopic, nextJobGetTopic } from '../../../shared/contract/index.js';
import type { IotMqtt } from '../../src/transport/iot-mqtt.js';
import type { Disk, StopPoint } from './recovery-stores-fixtures.js';
import { PoweredStore } from './recovery-stores-fixtures.js';
import { startRotator, type RotatorInstance } from '../../src/runtime/rotator.js';
import { FakeBroker } from './fake-broker.js';
import { FakeClock } from './fake-clock.js';
import { cloud } from './rotator-harness.js';
import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';

/** What AWS IoT and the backend do on the first boot after the power cut. */
export type Scenario = 'answer' | 'getRejected' | 'getTimeout' | 'commitRejected' | 'commitTimeout';

export const THING = 'core-1';
export const JOB = 'rotation-1';

export interface JobRecord {
  status: 'QUEUED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  reason?: string;
}

/**
 * One device and the cloud it talks to. Every boot is a NEW rotator with a NEW store over the
 * same disk and a new broker client; the cloud answers as AWS IoT Jobs and the backend would.
 * The backend accepts a commit only when the device connected with the new certificate (the
 * commit rule checks `principal()`), so whether a commit succeeds follows from what is installed.
 */
export class RecoveryWorld {
  readonly broker = new FakeBroker();
  readonly clock = new FakeClock();
  readonly job: JobRecord = { status: 'QUEUED' };
  newCertificateId: string | undefined;
  boots = 0;
  private readonly aws = cloud({ broker: this.broker, clock: this.clock }, THING);
  private readonly stopBoot: number;
  private principal = '';
  private seen = 0;

  constructor(
    private readonly disk: Disk,
    private readonly algorithms: AlgorithmConfig,
    private readonly stop: StopPoint,
    private readonly scenario: Scenario,
  ) {
    // The backup is deleted on the boot after the rotation; every other stop is on the first boot.
    this.stopBoot = stop === 'beforeDeleteBackup' || stop === 'afterDeleteBackup' ? 2 : 1;
  }

  /** Boots the device until it rests in Idle with nothing left to do; returns the last rotator. */
  async run(): Promise<RotatorInstance> {
    for (;;) {
      const { rotator, store, restarted, client } = await this.boot();
      for (let step = 0; ; step++) {
        if (step > 50) throw new Error(`boot ${this.boots} never settled (state ${rotator.state()})`);
        await rotator.settled();
        if (await this.respond()) continue;
        if (store.dead || restarted()) break;
        if (rotator.state() === 'Idle') return rotator;
        this.clock.advance(STATE_TIMEOUT_MS); // the cloud stays silent: the state timer fires
      }
      await rotator.stop();
      await client.close();
      if (this.boots > 6) throw new Error('the device keeps restarting');
    }
  }

  private async boot() {
    this.boots += 1;
    this.principal = this.disk.installedCertificateId();
    const armed = this.boots === this.stopBoot;
    const cut = armed && typeof this.stop === 'object' ? { powerCutAtChange: this.stop.midRotateBeforeChange } : {};
    const store = new PoweredStore(this.disk.newStore(cut), armed ? this.stop : undefined);
    const inner = this.broker.client(`${THING}#${this.boots}`);
    // A device without power sends nothing.
    const client: IotMqtt = {
      ...inner,
      publish: async (topic, payload, qos) => (store.dead ? undefined : inner.publish(topic, payload, qos)),
    };
    let restart = false;
    const rotator = await startRotator({
      thingName: THING,
      mqtt: client,
      store,
      algorithms: () => this.algorithms,
      restart: () => {
        restart = true;
      },
      clock: this.clock,
      logger: new MemoryLogger(),
    });
    return { rotator, store, client, restarted: () => restart };
  }

  private scenarioNow(): Scenario {
    return this.boots === this.stopBoot + 1 ? this.scenario : 'answer';
  }

  /** Answers every request published since the last call; false when there was none. */
  private async respond(): Promise<boolean> {
    const requests = this.broker.published.slice(this.seen);
    this.seen = this.broker.published.length;
    for (const { topic, payload } of requests) {
      const body = JSON.parse(payload) as { status?: JobRecord['status']; csr?: string; statusDetails?: { DeviceFailureReason?: string } };
      if (topic === nextJobGetTopic(THING)) {
        const scenario = this.scenarioNow();
        if (scenario === 'getRejected') this.aws.getRejected();
        else if (scenario === 'getTimeout') continue;
        else if (this.job.status === 'QUEUED' || this.job.status === 'IN_PROGRESS') this.aws.pendingJob(JOB, this.job.status);
        else this.aws.noPendingJob();
      } else if (topic === jobUpdateTopic(THING, JOB)) {
        if (this.job.status === 'QUEUED' || this.job.status === 'IN_PROGRESS') {
          this.job.status = body.status ?? this.job.status;
          const reason = body.statusDetails?.DeviceFailureReason;
          if (reason !== undefined) this.job.reason = reason;
          this.aws.updateAccepted(JOB);
        } else {
          this.aws.updateRejected(JOB);
        }
      } else if (topic === certificateCreateTopic(THING)) {
        const certificatePem = await this.disk.ca.issueForCsr(body.csr ?? '');
        this.newCertificateId = createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex');
        this.aws.createAccepted(certificatePem);
      } else if (topic === certificateCommitTopic(THING)) {
        const scenario = this.scenarioNow();
        if (scenario === 'commitTimeout') continue;
        if (scenario !== 'commitRejected' && this.principal === this.newCertificateId) this.aws.commitAccepted();
        else this.aws.commitRejected();
      }
    }
    return requests.length > 0;
  }
}
