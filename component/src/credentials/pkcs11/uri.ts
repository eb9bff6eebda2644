/**
 * PKCS#11 URIs (RFC 7512) as Greengrass writes them in `system.certificateFilePath` and
 * `system.privateKeyPath`: `pkcs11:object=<label>;type=cert` and `pkcs11:object=<label>;type=private`.
 *
 * The original component takes the label with `split('=')[1].split(';')[0]`, which breaks on
 * attribute order, on `=` inside a label and on percent-encoded characters. Here the path is parsed
 * attribute by attribute and values are percent-decoded, so `object=My%20Key` names `My Key`.
 * Characters RFC 7512 wants encoded (a space, say) are tolerated unencoded, because Greengrass itself
 * accepts them and refusing them would block a working device from rotating.
 */

export type Pkcs11ObjectType = 'public' | 'private' | 'cert' | 'secret-key' | 'data';

const OBJECT_TYPES: readonly Pkcs11ObjectType[] = ['public', 'private', 'cert', 'secret-key', 'data'];

/** Path attributes RFC 7512 defines; `x-` attributes are vendor extensions. */
const PATH_ATTRIBUTES = new Set([
  'token',
  'manufacturer',
  'serial',
  'model',
  'library-manufacturer',
  'library-description',
  'library-version',
  'object',
  'type',
  'id',
  'slot-description',
  'slot-manufacturer',
  'slot-id',
]);

const SCHEME = 'pkcs11:';

export interface Pkcs11Uri {
  /** `object=`: the CKA_LABEL of the object, percent-decoded. */
  object?: string;
  /** `type=`: the object class. */
  type?: Pkcs11ObjectType;
  /** `id=`: the CKA_ID bytes, percent-decoded. */
  id?: Buffer;
  /** Every path attribute, percent-decoded as UTF-8 (except `id`, kept as written). */
  attributes: ReadonlyMap<string, string>;
}

/** A malformed PKCS#11 URI; `reason` says what is wrong without repeating secrets. */
export class Pkcs11UriError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Pkcs11UriError';
  }
}

/** True when a credential path is a PKCS#11 URI rather than a file path (the scheme is case-insensitive). */
export function isPkcs11Uri(path: string): boolean {
  return path.slice(0, SCHEME.length).toLowerCase() === SCHEME;
}

function percentDecodeBytes(value: string, attribute: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const char = value.charAt(i);
    if (char === '%') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new Pkcs11UriError(`attribute "${attribute}" has a malformed percent-encoding at position ${i}`);
      }
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function percentDecodeText(value: string, attribute: string): string {
  const bytes = percentDecodeBytes(value, attribute);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Pkcs11UriError(`attribute "${attribute}" does not decode to UTF-8 text`);
  }
}

/** Parses a PKCS#11 URI. The query part (`?pin-value=...`) is checked for shape only and never returned. */
export function parsePkcs11Uri(uri: string): Pkcs11Uri {
  if (!isPkcs11Uri(uri)) {
    throw new Pkcs11UriError('it does not start with "pkcs11:"');
  }
  const rest = uri.slice(SCHEME.length);
  const queryStart = rest.indexOf('?');
  const path = queryStart < 0 ? rest : rest.slice(0, queryStart);
  if (path.includes('#')) {
    throw new Pkcs11UriError('a PKCS#11 URI has no fragment ("#")');
  }
  const attributes = new Map<string, string>();
  let id: Buffer | undefined;
  for (const part of path === '' ? [] : path.split(';')) {
    const equals = part.indexOf('=');
    if (equals <= 0) {
      throw new Pkcs11UriError(`path attribute "${part}" is not of the form name=value`);
    }
    const name = part.slice(0, equals).toLowerCase();
    const raw = part.slice(equals + 1);
    if (!PATH_ATTRIBUTES.has(name) && !name.startsWith('x-')) {
      throw new Pkcs11UriError(`unknown path attribute "${name}"`);
    }
    if (attributes.has(name)) {
      throw new Pkcs11UriError(`path attribute "${name}" appears twice`);
    }
    if (name === 'id') {
      id = percentDecodeBytes(raw, name);
      attributes.set(name, raw);
    } else {
      attributes.set(name, percentDecodeText(raw, name));
    }
  }
  const type = attributes.get('type');
  if (type !== undefined && !(OBJECT_TYPES as readonly string[]).includes(type)) {
    throw new Pkcs11UriError(`type "${type}" is not one of ${OBJECT_TYPES.join(', ')}`);
  }
  return {
    ...(attributes.has('object') ? { object: attributes.get('object') } : {}),
    ...(type !== undefined ? { type: type as Pkcs11ObjectType } : {}),
    ...(id !== undefined ? { id } : {}),
    attributes,
  };
}

/** Hides query values that carry secrets (`pin-value`) so a URI can appear in an error message. */
export function redactPkcs11Uri(uri: string): string {
  const queryStart = uri.indexOf('?');
  if (queryStart < 0) return uri;
  const query = uri
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => (pair.toLowerCase().startsWith('pin-value=') ? 'pin-value=***' : pair));
  return `${uri.slice(0, queryStart)}?${query.join('&')}`;
}
