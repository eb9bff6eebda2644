/** Values behind the recipe variables of one component on one device. */
export interface RecipeVariableContext {
  componentName: string;
  thingName: string;
  rootPath: string;
  artifactsPath: string;
  decompressedPath: string;
  workPath: string;
  /** The component's configuration, for `{configuration:/json/pointer}`. */
  configuration?: Record<string, unknown>;
}

/** Reads a JSON pointer (`/a/b`, `~1` for `/`, `~0` for `~`); undefined when absent. */
export function readPointer(document: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return document;
  let node: unknown = document;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const VARIABLE = /\{(?:([A-Za-z0-9._-]+):)?(iot|kernel|work|artifacts|configuration):([^}]*)\}/g;

/**
 * Replaces recipe variables in `text`: `{iot:thingName}`, `{kernel:rootPath}`, `{work:path}`,
 * `{artifacts:path}`, `{artifacts:decompressedPath}`, `{configuration:/pointer}`, and the same
 * prefixed with this component's own name. Unknown variables stay as written, as Greengrass
 * leaves them; objects read from the configuration are written as JSON.
 */
export function interpolate(text: string, context: RecipeVariableContext): string {
  return text.replace(VARIABLE, (whole: string, component: string | undefined, namespace: string, key: string) => {
    if (component !== undefined && component !== context.componentName) return whole;
    const value = lookup(namespace, key, context);
    if (value === undefined) return whole;
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function lookup(namespace: string, key: string, context: RecipeVariableContext): unknown {
  switch (`${namespace}:${namespace === 'configuration' ? '' : key}`) {
    case 'iot:thingName':
      return context.thingName;
    case 'kernel:rootPath':
      return context.rootPath;
    case 'work:path':
      return context.workPath;
    case 'artifacts:path':
      return context.artifactsPath;
    case 'artifacts:decompressedPath':
      return context.decompressedPath;
    case 'configuration:':
      return context.configuration === undefined ? undefined : readPointer(context.configuration, key);
    default:
      return undefined;
  }
}

/** Interpolates every string inside a configuration tree (interpolateComponentConfiguration). */
export function interpolateTree(value: unknown, context: RecipeVariableContext): unknown {
  if (typeof value === 'string') return interpolate(value, { ...context, configuration: undefined });
  if (Array.isArray(value)) return value.map((item) => interpolateTree(item, context));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, context)]));
  }
  return value;
}
