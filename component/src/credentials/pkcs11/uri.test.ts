import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hsmLabelFromPaths } from './hsm-paths.js';
import { parsePkcs11ProviderConfig, PKCS11_PROVIDER_COMPONENT } from './provider-config.js';
import { isPkcs11Uri, parsePkcs11Uri, redactPkcs11Uri } from './uri.js';

describe('parsePkcs11Uri (RFC 7512)', () => {
  it('reads the object label and type Greengrass writes', () => {
    const uri = parsePkcs11Uri('pkcs11:object=greengrass-core;type=private');
    expect(uri.object).toBe('greengrass-core');
    expect(uri.type).toBe('private');
  });

  it('does not depend on attribute order and keeps "=" inside a value', () => {
    expect(parsePkcs11Uri('pkcs11:type=cert;token=my%20token;object=a=b')).toMatchObject({ object: 'a=b', type: 'cert' });
  });

  it('percent-decodes values as UTF-8 and ids as bytes', () => {
    const uri = parsePkcs11Uri('pkcs11:object=Caf%C3%A9%20Key%3B1;id=%de%AD%01;x-vendor=1');
    expect(uri.object).toBe('Café Key;1');
    expect(uri.id).toEqual(Buffer.from([0xde, 0xad, 0x01]));
    expect(uri.attributes.get('x-vendor')).toBe('1');
  });

  it('accepts the scheme in any case and ignores the query part', () => {
    expect(isPkcs11Uri('PKCS11:object=a')).toBe(true);
    expect(isPkcs11Uri('/greengrass/v2/thingCert.crt')).toBe(false);
    expect(parsePkcs11Uri('PKCS11:object=a?pin-value=1234&module-path=/x.so').object).toBe('a');
  });

  it.each([
    ['/greengrass/v2/privKey.key', /does not start with "pkcs11:"/],
    ['pkcs11:object', /path attribute "object" is not of the form name=value/],
    ['pkcs11:=a', /path attribute "=a" is not of the form name=value/],
    ['pkcs11:object=a;colour=red', /unknown path attribute "colour"/],
    ['pkcs11:object=a;object=b', /path attribute "object" appears twice/],
    ['pkcs11:object=a%2', /attribute "object" has a malformed percent-encoding at position 1/],
    ['pkcs11:object=a%zz', /malformed percent-encoding/],
    ['pkcs11:object=%ff', /attribute "object" does not decode to UTF-8 text/],
    ['pkcs11:object=a;type=key', /type "key" is not one of public, private, cert, secret-key, data/],
    ['pkcs11:object=a#frag', /no fragment/],
  ])('refuses %s', (value, message) => {
    expect(() => parsePkcs11Uri(value)).toThrow(message);
  });

  it('redacts pin-value in the query', () => {
    expect(redactPkcs11Uri('pkcs11:object=a?module-path=/x.so&pin-value=1234')).toBe('pkcs11:object=a?module-path=/x.so&pin-value=***');
  });
});

describe('hsmLabelFromPaths', () => {
  const ok = { certificateFilePath: 'pkcs11:object=core%20key;type=cert', privateKeyPath: 'pkcs11:object=core%20key;type=private' };

  it('returns the label both URIs name', () => {
    expect(hsmLabelFromPaths(ok)).toBe('core key');
    expect(hsmLabelFromPaths({ certificateFilePath: 'pkcs11:object=k', privateKeyPath: 'pkcs11:object=k' })).toBe('k');
  });

  it.each([
    [
      { ...ok, certificateFilePath: '/greengrass/v2/thingCert.crt' },
      'certificateFilePath "/greengrass/v2/thingCert.crt" is not a valid PKCS#11 URI: it does not start with "pkcs11:"',
    ],
    [
      { ...ok, certificateFilePath: 'pkcs11:type=cert' },
      'certificateFilePath "pkcs11:type=cert" is not a valid PKCS#11 URI: it has no object=<label> attribute',
    ],
    [
      { ...ok, certificateFilePath: 'pkcs11:object=;type=cert' },
      'certificateFilePath "pkcs11:object=;type=cert" is not a valid PKCS#11 URI: it has no object=<label> attribute',
    ],
    [
      { ...ok, privateKeyPath: 'pkcs11:object=core%20key;type=cert' },
      'privateKeyPath "pkcs11:object=core%20key;type=cert" is not a valid PKCS#11 URI: type is "cert", expected "private"',
    ],
    [
      { ...ok, privateKeyPath: 'pkcs11:object=a%g1' },
      'privateKeyPath "pkcs11:object=a%g1" is not a valid PKCS#11 URI: attribute "object" has a malformed percent-encoding at position 1',
    ],
    [
      { ...ok, privateKeyPath: 'pkcs11:object=other;type=private' },
      'certificateFilePath names object "core key" but privateKeyPath names object "other"',
    ],
  ])('refuses %j naming the key and value', (paths, message) => {
    expect(() => hsmLabelFromPaths(paths)).toThrow(message);
  });

  it('never repeats a pin-value from the URI in the error', () => {
    const paths = { ...ok, privateKeyPath: 'pkcs11:object=;type=private?pin-value=424242' };
    expect(() => hsmLabelFromPaths(paths)).toThrow(/privateKeyPath "pkcs11:object=;type=private\?pin-value=\*\*\*"/);
  });
});

describe('parsePkcs11ProviderConfig', () => {
  const valid = { name: 'softhsm', library: '/usr/lib/softhsm/libsofthsm2.so', slot: 1594410838, userPin: '0042' };

  it('accepts the provider configuration and passes other keys by', () => {
    const config = parsePkcs11ProviderConfig(valid);
    expect(config).toEqual({ library: valid.library, slot: valid.slot });
    expect(config.userPin).toBe('0042');
  });

  it('accepts a numeric slot string and a numeric PIN', () => {
    const config = parsePkcs11ProviderConfig({ ...valid, slot: '7', userPin: 1234 });
    expect(config.slot).toBe(7);
    expect(config.userPin).toBe('1234');
  });

  it('keeps the PIN out of JSON, inspection and spreading', () => {
    const config = parsePkcs11ProviderConfig(valid);
    expect(JSON.stringify(config)).not.toContain('0042');
    expect(inspect(config, { depth: 5 })).not.toContain('0042');
    expect(JSON.stringify({ ...config })).not.toContain('0042');
  });

  it.each([
    [{ ...valid, library: '' }, 'library must be the path of the PKCS#11 library'],
    [{ ...valid, library: undefined }, 'library must be the path of the PKCS#11 library'],
    [{ ...valid, slot: -1 }, 'slot must be a slot id (a non-negative integer)'],
    [{ ...valid, slot: 'one' }, 'slot must be a slot id (a non-negative integer)'],
    [{ ...valid, userPin: undefined }, 'userPin must be the user PIN (a non-empty string)'],
    [{ ...valid, userPin: '' }, 'userPin must be the user PIN (a non-empty string)'],
  ])('refuses %j naming the field', (value, message) => {
    expect(() => parsePkcs11ProviderConfig(value)).toThrow(`${PKCS11_PROVIDER_COMPONENT} configuration is invalid: ${message}`);
  });

  it('refuses a configuration that is not an object', () => {
    expect(() => parsePkcs11ProviderConfig('library=x')).toThrow(`${PKCS11_PROVIDER_COMPONENT} configuration is invalid`);
  });

  it('never echoes a rejected PIN', () => {
    let message = '';
    try {
      parsePkcs11ProviderConfig({ ...valid, userPin: { secret: 'hunter2-pin' } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('userPin');
    expect(message).not.toContain('hunter2-pin');
  });
});
