import { describe, expect, it } from 'vitest';
import { commitRequestSchema, jobExecutionSchema } from './index.js';

/** zod/mini has no messages of its own: these are the ones full zod gives, which devices and logs have always read. */
describe("the contract's schema messages", () => {
  it('are English, as full zod words them', () => {
    const missing = commitRequestSchema.safeParse({ jobId: 'job-1', thingName: 'thing1', topic: 't', principal: 'a'.repeat(64) });
    expect(missing.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'clientId: Invalid input: expected string, received undefined',
    ]);
    const empty = jobExecutionSchema.safeParse({ jobId: 'job-1', status: '' });
    expect(empty.error?.issues.map((i) => i.message)).toEqual(['Too small: expected string to have >=1 characters']);
  });

  it("keep the contract's own wording where it gives one", () => {
    const bad = jobExecutionSchema.safeParse({ jobId: 'no spaces allowed', status: 'QUEUED' });
    expect(bad.error?.issues.map((i) => i.message)).toEqual(['must be a valid AWS IoT job id']);
  });
});
