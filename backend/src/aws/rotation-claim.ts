import { UpdateThingShadowCommand, type IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import * as z from 'zod/mini';
import '../../../shared/contract/zod-english.js';
import type { Invocation } from '../runtime/invocation.js';
import { isNamed } from './errors.js';
import { readShadow, reportProgress, versionOf, type ShadowRef } from './rotation-shadow.js';

/**
 * At most one certificate per job execution, across concurrent invocations: before issuing, the
 * create function claims the job execution in the rotation shadow with a write conditional on the
 * shadow's version. Of requests that read the same version only one write succeeds (AWS IoT
 * answers the others ConflictException), and a request that reads the claim refuses.
 */
export type Claim = { ok: true; version: number } | { ok: false; reason: string };

const claimedSchema = z.object({ state: z.object({ reported: z.object({ jobId: z.string(), progress: z.optional(z.string()) }) }) });

async function readOrUndefined(iotData: IoTDataPlaneClient, ref: ShadowRef, invocation: Invocation): Promise<unknown> {
  try {
    return await readShadow(iotData, ref, invocation);
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

export async function claimRotation(
  iotData: IoTDataPlaneClient,
  ref: ShadowRef,
  claim: { jobId: string; oldCertificateId: string },
  invocation: Invocation,
): Promise<Claim> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const document = await readOrUndefined(iotData, ref, invocation);
    const version = versionOf(document);
    if (document === undefined || version === undefined) {
      // A write conditional on a version needs a shadow to hold one. This write touches no field of
      // the rotation record, so it cannot undo a claim that another request makes meanwhile.
      const payload = new TextEncoder().encode(JSON.stringify({ state: { desired: null } }));
      await invocation.call('UpdateThingShadow', () => iotData.send(new UpdateThingShadowCommand({ ...ref, payload })));
      continue;
    }
    const claimed = claimedSchema.safeParse(document);
    if (claimed.success && claimed.data.state.reported.jobId === claim.jobId) {
      return {
        ok: false,
        reason: `a certificate was already requested for this job execution (${claimed.data.state.reported.progress ?? 'claimed'})`,
      };
    }
    try {
      const reported = { progress: 'creating', jobId: claim.jobId, oldCertificateId: claim.oldCertificateId, newCertificateId: null };
      const next = await reportProgress(iotData, ref, reported, invocation, version);
      return { ok: true, version: next ?? version + 1 };
    } catch (error) {
      if (isNamed(error, 'ConflictException'))
        return { ok: false, reason: 'another request for this thing changed the rotation shadow first' };
      throw error;
    }
  }
  return { ok: false, reason: 'the rotation shadow was deleted while it was claimed' };
}
