/**
 * CloudFormation's intrinsic functions over a template's values: Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::Select, Fn::Split, Fn::If with Fn::Equals / Not / And / Or, and the pseudo
 * parameters. Anything else is refused by name rather than passed through unresolved.
 */
export interface ResolveContext {
  /** A parameter's value, a resource's physical id (what Ref gives), or a pseudo parameter. */
  ref(name: string): string;
  getAtt(logicalId: string, attribute: string): unknown;
  condition(name: string): boolean;
}

export class TemplateError extends Error {}

const NO_VALUE = Symbol('AWS::NoValue');

function asString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`${where}: expected a string, got ${JSON.stringify(value)}`);
}

function substitute(text: string, variables: Record<string, unknown>, ctx: ResolveContext): string {
  return text.replace(/\$\{(!?)([^}]+)\}/g, (_m, literal: string, name: string) => {
    if (literal === '!') return `\${${name}}`;
    if (name in variables) return asString(variables[name], `Fn::Sub \${${name}}`);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) return asString(ctx.getAtt(name.slice(0, dot), name.slice(dot + 1)), `Fn::Sub \${${name}}`);
    return ctx.ref(name);
  });
}

function resolveFunction(name: string, argument: unknown, ctx: ResolveContext): unknown {
  switch (name) {
    case 'Ref':
      return argument === 'AWS::NoValue' ? NO_VALUE : ctx.ref(asString(argument, 'Ref'));
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(argument) ? argument : asString(argument, 'Fn::GetAtt').split(/\.(.*)/s);
      return ctx.getAtt(asString(logicalId, 'Fn::GetAtt'), asString(resolve(attribute, ctx), 'Fn::GetAtt'));
    }
    case 'Fn::Join': {
      const [separator, values] = argument as [string, unknown];
      const list = resolve(values, ctx);
      if (!Array.isArray(list)) throw new TemplateError('Fn::Join: expected a list');
      return list.map((v) => asString(v, 'Fn::Join')).join(separator);
    }
    case 'Fn::Sub': {
      const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
      return substitute(asString(text, 'Fn::Sub'), resolve(variables, ctx) as Record<string, unknown>, ctx);
    }
    case 'Fn::Select': {
      const [index, values] = argument as [unknown, unknown];
      const list = resolve(values, ctx);
      const at = Number(resolve(index, ctx));
      if (!Array.isArray(list) || !(at in list)) throw new TemplateError(`Fn::Select: index ${at} out of range`);
      return list[at];
    }
    case 'Fn::Split': {
      const [separator, text] = argument as [string, unknown];
      return asString(resolve(text, ctx), 'Fn::Split').split(separator);
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      return resolve(ctx.condition(condition) ? whenTrue : whenFalse, ctx);
    }
    case 'Fn::Equals': {
      const [a, b] = argument as [unknown, unknown];
      return JSON.stringify(resolve(a, ctx)) === JSON.stringify(resolve(b, ctx));
    }
    case 'Fn::Not':
      return !(resolve((argument as unknown[])[0], ctx) as boolean);
    case 'Fn::And':
      return (argument as unknown[]).every((c) => resolve(c, ctx) === true);
    case 'Fn::Or':
      return (argument as unknown[]).some((c) => resolve(c, ctx) === true);
    case 'Condition':
      return ctx.condition(asString(argument, 'Condition'));
    default:
      throw new TemplateError(`${name} is not supported by the stand-in's CloudFormation`);
  }
}

/** Resolves every intrinsic in a value; `Ref: AWS::NoValue` removes the property or list item. */
export function resolve(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, ctx)).filter((v) => v !== NO_VALUE);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only && (only[0] === 'Ref' || only[0].startsWith('Fn::') || only[0] === 'Condition')) return resolveFunction(only[0], only[1], ctx);
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    const resolved = resolve(v, ctx);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

/** The logical ids a value refers to (Ref, Fn::GetAtt, Fn::Sub), for ordering resources. */
export function references(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) references(v, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) found.add(v);
      else if (key === 'Fn::GetAtt') found.add(Array.isArray(v) ? String(v[0]) : (String(v).split('.')[0] ?? ''));
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        if (typeof text === 'string') {
          for (const m of text.matchAll(/\$\{([^!}][^}.]*)(?:\.[^}]*)?\}/g)) if (!m[1]?.startsWith('AWS::')) found.add(m[1] ?? '');
        }
        references(Array.isArray(v) ? v[1] : undefined, found);
      } else references(v, found);
    }
  }
  return found;
}
