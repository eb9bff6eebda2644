import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { expect } from 'vitest';

/** The AwsSolutions pack with acknowledgements ignored: every finding the code would raise. */
class AllFindings extends AwsSolutionsChecks {}
// isAcknowledged is internal to NagPack; replacing it is the only way to list acknowledged findings.
(AllFindings.prototype as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;

/** `construct path -> acknowledged rule ids` from the Validations metadata. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/**
 * Every acknowledgement under `root` matches a finding that the code really raises, is a single
 * wildcard resource of AwsSolutions-IAM5, and gives a specific reason.
 */
export function expectOnlyLiveAcknowledgements(root: IConstruct): void {
  const findings = new AllFindings()
    .validateScope(root)
    .violations.flatMap((v) => v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '' })));
  expect(findings.length).toBeGreaterThan(0);
  for (const ack of acknowledgements(root)) {
    expect(ack.reason.length, ack.id).toBeGreaterThan(40);
    expect(ack.id, `${ack.id} at ${ack.path}`).toMatch(/^AwsSolutions-IAM5\[Resource::.+\]$/);
    const matched = findings.some((f) => f.id === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)));
    expect(matched, `${ack.id} at ${ack.path} acknowledges nothing`).toBe(true);
  }
}
