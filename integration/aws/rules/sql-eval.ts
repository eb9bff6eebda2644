import { randomUUID } from 'node:crypto';
import type { Expr, SelectStatement } from './sql-ast.js';

/** What a rule's SQL can see of one message. */
export interface MessageContext {
  topic: string;
  payload: Buffer;
  /** MQTT client id of the publishing connection; absent for messages AWS IoT publishes itself. */
  clientId?: string;
  /** Certificate id of the publishing connection. */
  principal?: string;
  /** Epoch milliseconds. */
  timestamp: number;
}

type Value = unknown;

function parsePayload(payload: Buffer): Value {
  try {
    return JSON.parse(payload.toString('utf8')) as Value;
  } catch {
    return undefined;
  }
}

function callFunction(name: string, args: Value[], ctx: MessageContext): Value {
  switch (name) {
    case 'topic': {
      if (args.length === 0) return ctx.topic;
      const index = args[0];
      return typeof index === 'number' ? ctx.topic.split('/')[index - 1] : undefined;
    }
    case 'clientid':
      return ctx.clientId;
    case 'principal':
      return ctx.principal;
    case 'isundefined':
      return args[0] === undefined;
    case 'timestamp':
      return ctx.timestamp;
    case 'newuuid':
      return randomUUID();
    default:
      throw new Error(`Unsupported SQL function ${name}()`);
  }
}

function compare(op: string, left: Value, right: Value): Value {
  if (left === undefined || right === undefined) return undefined;
  switch (op) {
    case '=':
      return JSON.stringify(left) === JSON.stringify(right);
    case '<>':
      return JSON.stringify(left) !== JSON.stringify(right);
    default: {
      if (typeof left !== typeof right || (typeof left !== 'number' && typeof left !== 'string')) return undefined;
      const l = left as number | string;
      const r = right as number | string;
      return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
    }
  }
}

function evaluate(expr: Expr, document: Value, ctx: MessageContext): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return expr.segments.reduce<Value>(
        (value, key) =>
          typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, Value>)[key] : undefined,
        document,
      );
    case 'call':
      return callFunction(
        expr.name,
        expr.args.map((a) => evaluate(a, document, ctx)),
        ctx,
      );
    case 'not': {
      const v = evaluate(expr.operand, document, ctx);
      return typeof v === 'boolean' ? !v : undefined;
    }
    case 'binary': {
      const left = evaluate(expr.left, document, ctx);
      if (expr.op === 'AND') return left === true && evaluate(expr.right, document, ctx) === true;
      if (expr.op === 'OR') return left === true || evaluate(expr.right, document, ctx) === true;
      return compare(expr.op, left, evaluate(expr.right, document, ctx));
    }
  }
}

/**
 * Runs a statement on a message: undefined when WHERE does not hold, otherwise the projected
 * object. Projections apply left to right, so names after `*` override payload fields; a
 * projection that evaluates to undefined is left out, as AWS IoT does.
 */
export function runSelect(statement: SelectStatement, ctx: MessageContext): Record<string, unknown> | undefined {
  const document = parsePayload(ctx.payload);
  if (statement.where && evaluate(statement.where, document, ctx) !== true) return undefined;
  const out: Record<string, unknown> = {};
  statement.projections.forEach((projection, index) => {
    if (projection.kind === 'star') {
      if (typeof document === 'object' && document !== null && !Array.isArray(document)) Object.assign(out, document);
      return;
    }
    const value = evaluate(projection.expr, document, ctx);
    if (value === undefined) return;
    const name =
      projection.alias ??
      (projection.expr.kind === 'path' ? projection.expr.segments.at(-1) : undefined) ??
      (projection.expr.kind === 'call' ? projection.expr.name : `_${index + 1}`);
    out[name] = value;
  });
  return out;
}
