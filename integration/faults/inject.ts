import type { MessageFaultOptions } from '../aws/index.js';
import type { AwsStandIn } from '../aws/index.js';
import type { FaultCore } from './fault-cores.js';
import { PowerCut } from './faultable-store.js';
import { concreteTopic, variantOf, type MessagePoint, type ProtocolPoint, type StorePoint } from './protocol-points.js';

export const FAULT_KINDS = ['lost', 'duplicated', 'late', 'powerCut', 'connectionDrop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What a fault does to a core, wherever it is placed. */
export interface FaultEffects {
  standIn: AwsStandIn;
  core: FaultCore;
  jobId: string;
  /** How late a late message or restart comes: past the component's 30 s timeout, scaled. */
  lateMs: number;
  /** Marks the fault as having happened. */
  applied(): void;
  /** The core loses power now and comes back after a while. */
  cutPower(): void;
  /** The core's connection drops now; the core reconnects by itself. */
  dropConnection(): void;
  /** Greengrass restarts once more, as soon as it is back. */
  restartAgain(): void;
}

/** Places the fault; returns what removes whatever of it did not happen. */
export function armFault(point: ProtocolPoint, kind: FaultKind, effects: FaultEffects): () => void {
  switch (point.kind) {
    case 'message':
      return armMessageFault(point, kind, effects);
    case 'restart':
      return armRestartFault(kind, effects);
    case 'store':
      return armStoreFault(point, kind, effects);
  }
}

function messageMatch(topic: string, variant: string | undefined): MessageFaultOptions['match'] {
  return variant === undefined ? undefined : (payload: Buffer) => variantOf(topic, payload) === variant;
}

function armMessageFault(point: MessagePoint, kind: FaultKind, effects: FaultEffects): () => void {
  const { standIn, core, jobId } = effects;
  const thing = core.thingName;
  const topic = concreteTopic(point.topic, thing, jobId);
  const match = messageMatch(point.topic, point.variant);
  const options: MessageFaultOptions = {
    direction: point.direction,
    ...(point.direction === 'service' ? {} : { clientId: thing }),
    ...(match ? { match } : {}),
    onTaken: effects.applied,
  };
  // What reaches AWS IoT still does when the device loses power or its connection right after
  // sending it; what AWS IoT sends is lost with the device or the connection.
  const then = point.direction === 'outbound' ? 'drop' : 'deliver';
  const arm = (): void => {
    switch (kind) {
      case 'lost':
        return standIn.faults.dropNext(topic, options);
      case 'duplicated':
        return standIn.faults.duplicateNext(topic, options);
      case 'late':
        return standIn.faults.delayNext(topic, effects.lateMs, options);
      case 'powerCut':
        return standIn.faults.hookNext(topic, () => effects.cutPower(), then, options);
      case 'connectionDrop':
        return standIn.faults.hookNext(topic, () => effects.dropConnection(), then, options);
    }
  };
  if (point.after === undefined) arm();
  else {
    const anchorMatch = messageMatch(point.after.topic, point.after.variant);
    standIn.faults.hookNext(concreteTopic(point.after.topic, thing, jobId), arm, 'deliver', {
      direction: 'inbound',
      clientId: thing,
      ...(anchorMatch ? { match: anchorMatch } : {}),
    });
  }
  return () => {
    standIn.faults.clearMessageFaults(thing);
    standIn.faults.clearMessageFaults(jobId);
  };
}

function armRestartFault(kind: FaultKind, effects: FaultEffects): () => void {
  const { core } = effects;
  let armed = true;
  const decide = (): { delayMs: number } | 'stay-down' => {
    if (!armed) return { delayMs: 50 };
    armed = false;
    effects.applied();
    switch (kind) {
      case 'lost':
        // The component exited, but Greengrass never came back: only a later boot brings it back.
        return 'stay-down';
      case 'late':
        return { delayMs: effects.lateMs };
      case 'duplicated':
        effects.restartAgain();
        return { delayMs: 50 };
      case 'powerCut':
        effects.cutPower();
        return 'stay-down';
      case 'connectionDrop':
        effects.dropConnection();
        return { delayMs: 50 };
    }
  };
  if (core.mode === 'process') {
    // The nucleus restarts by itself; a process core can only lose power during the restart.
    core.running.onRestart(() => {
      if (armed && kind === 'powerCut') void decide();
    });
  } else {
    core.restartPolicy = decide;
  }
  return () => {
    armed = false;
    core.restartPolicy = undefined;
  };
}

function armStoreFault(point: StorePoint, kind: FaultKind, effects: FaultEffects): () => void {
  const { core } = effects;
  let armed = true;
  core.onChange = (change) => {
    if (!armed || change.operation !== point.operation || change.index !== point.index || change.change !== point.change) return;
    armed = false;
    effects.applied();
    if (kind === 'connectionDrop') {
      effects.dropConnection();
      return;
    }
    effects.cutPower();
    throw new PowerCut(`before ${point.operation} #${point.index} (${point.change})`);
  };
  return () => {
    armed = false;
    core.onChange = undefined;
  };
}

/** Which fault kinds apply at a point: durable store changes can only lose power or connection. */
export function kindsAt(point: ProtocolPoint): readonly FaultKind[] {
  return point.kind === 'store' ? ['powerCut', 'connectionDrop'] : FAULT_KINDS;
}
