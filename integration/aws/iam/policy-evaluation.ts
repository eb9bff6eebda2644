import type { Statement } from './policy-document.js';

/**
 * IAM's evaluation of one request against a set of statements, as the IAM User Guide's "policy
 * evaluation logic" describes it for a single account: an explicit Deny wins, then an Allow,
 * and otherwise the request is denied by default.
 */
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface RequestContext {
  /** `service:Operation`, e.g. `iot:UpdateCertificate`. */
  action: string;
  /** The resource ARN, or `*` for actions without a resource type. */
  resource: string;
  /** Global condition keys (`aws:SecureTransport`, `aws:PrincipalArn`, ...), lower-cased names. */
  keys: ReadonlyMap<string, string>;
  /** Who asks, for resource policies: the role session's role ARN and account. */
  principal?: { arn: string; account: string };
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wildcard = (text: string): string => escapeRegex(text).replace(/\\\*/g, '.*').replace(/\\\?/g, '.');

/** IAM wildcards: `*` any run of characters, `?` one character; nothing else is special. */
export function globMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  return new RegExp(`^${wildcard(pattern)}$`, ignoreCase ? 'is' : 's').test(value);
}

/**
 * A Resource or condition pattern with its policy variables resolved, as a regular expression:
 * `${aws:username}` takes the request's value literally (`${key, 'default'}` when absent), and
 * `${*}`, `${?}`, `${$}` stand for those characters themselves. Undefined when a variable has no
 * value and no default: the element then matches nothing.
 */
export function patternWithVariables(pattern: string, keys: ReadonlyMap<string, string>): RegExp | undefined {
  let source = '';
  let last = 0;
  for (const match of pattern.matchAll(/\$\{([^}]*)\}/g)) {
    source += wildcard(pattern.slice(last, match.index));
    last = match.index + match[0].length;
    const inner = match[1] ?? '';
    if (inner === '*' || inner === '?' || inner === '$') {
      source += escapeRegex(inner);
      continue;
    }
    const [name = '', fallback] = inner.split(/,\s*/, 2);
    const value = keys.get(name.trim().toLowerCase()) ?? fallback?.replace(/^'(.*)'$/, '$1');
    if (value === undefined) return undefined;
    source += escapeRegex(value);
  }
  source += wildcard(pattern.slice(last));
  return new RegExp(`^${source}$`, 's');
}

const resourceMatches = (pattern: string, resource: string, keys: ReadonlyMap<string, string>): boolean =>
  patternWithVariables(pattern, keys)?.test(resource) ?? false;

const actionIn = (patterns: string[], action: string): boolean => patterns.some((p) => globMatches(p, action, true));
const resourceIn = (patterns: string[], context: RequestContext): boolean =>
  patterns.some((p) => resourceMatches(p, context.resource, context.keys));

type Comparison = (policyValue: string, requestValue: string) => boolean;

const COMPARISONS: Record<string, Comparison> = {
  StringEquals: (p, r) => p === r,
  StringNotEquals: (p, r) => p !== r,
  StringEqualsIgnoreCase: (p, r) => p.toLowerCase() === r.toLowerCase(),
  StringNotEqualsIgnoreCase: (p, r) => p.toLowerCase() !== r.toLowerCase(),
  StringLike: (p, r) => globMatches(p, r, false),
  StringNotLike: (p, r) => !globMatches(p, r, false),
  ArnEquals: (p, r) => p === r,
  ArnLike: (p, r) => globMatches(p, r, false),
  ArnNotEquals: (p, r) => p !== r,
  ArnNotLike: (p, r) => !globMatches(p, r, false),
  Bool: (p, r) => p.toLowerCase() === r.toLowerCase(),
};
const NEGATED = new Set(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike']);

/** Thrown for a condition operator this evaluator does not know: better to say so than to guess. */
export class UnsupportedConditionError extends Error {}

function conditionHolds(operator: string, key: string, values: string[], keys: ReadonlyMap<string, string>): boolean {
  const requestValue = keys.get(key.toLowerCase());
  if (operator === 'Null') return values.some((v) => (v.toLowerCase() === 'true') === (requestValue === undefined));
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const compare = COMPARISONS[base];
  if (!compare) throw new UnsupportedConditionError(`condition operator ${operator} is not supported by the stand-in`);
  if (requestValue === undefined) return ifExists;
  // A negated operator holds when the value matches none; the others when it matches any.
  return NEGATED.has(base) ? values.every((v) => compare(v, requestValue)) : values.some((v) => compare(v, requestValue));
}

function principalMatches(principal: Statement['principal'], context: RequestContext): boolean {
  if (principal === undefined) return true;
  if (principal === '*') return true;
  const who = context.principal;
  if (!who) return false;
  return (principal['AWS'] ?? []).some((p) => p === '*' || p === who.arn || p === who.account || p === `arn:aws:iam::${who.account}:root`);
}

/** True when the statement applies to the request (its Effect then decides). */
export function statementApplies(statement: Statement, context: RequestContext): boolean {
  if (statement.actions && !actionIn(statement.actions, context.action)) return false;
  if (statement.notActions && actionIn(statement.notActions, context.action)) return false;
  if (statement.resources && !resourceIn(statement.resources, context)) return false;
  if (statement.notResources && resourceIn(statement.notResources, context)) return false;
  if (statement.principal !== undefined && !principalMatches(statement.principal, context)) return false;
  if (statement.notPrincipal !== undefined && principalMatches(statement.notPrincipal, context)) return false;
  for (const [operator, entries] of Object.entries(statement.conditions)) {
    for (const [key, values] of Object.entries(entries)) {
      if (!conditionHolds(operator, key, values, context.keys)) return false;
    }
  }
  return true;
}

export function evaluate(statements: readonly Statement[], context: RequestContext): Decision {
  const applying = statements.filter((s) => statementApplies(s, context));
  if (applying.some((s) => s.effect === 'Deny')) return 'ExplicitDeny';
  return applying.some((s) => s.effect === 'Allow') ? 'Allow' : 'ImplicitDeny';
}
