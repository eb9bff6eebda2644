import { randomBytes } from 'node:crypto';
import * as x509 from './x509.js';
import { cryptoProvider, type CryptoKeyPair, generateKeyPair, type KeySpec, signingKeyFor } from './keys.js';
import { type SignatureScheme, webCryptoSigningAlgorithm } from './signing-algorithms.js';

export type CertificateProfile = 'client' | 'server' | 'subordinate-ca' | 'end-entity';

/** The extensions of an `end-entity` certificate, as a Private CA template decides them. */
export interface EndEntityExtensions {
  keyUsage?: number;
  extendedKeyUsage?: string[];
  subjectAltNames?: x509.GeneralNames;
}

export interface IssueParams {
  publicKey: x509.PublicKeyType;
  /** Distinguished name, e.g. `CN=thing-1`, or a JSON name; empty is allowed (AWS IoT certificates may have one). */
  subject: string | x509.JsonName;
  notBefore: Date;
  notAfter: Date;
  scheme: SignatureScheme;
  profile: CertificateProfile;
  /** Server certificates only: DNS names and IP addresses. */
  altNames?: { dns?: string[]; ip?: string[] };
  /** `end-entity` certificates only. */
  endEntity?: EndEntityExtensions;
}

const serial = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER
  return bytes.toString('hex');
};

/** One signing authority: a key pair and its self-signed root certificate. */
export class CertificateAuthority {
  private constructor(
    readonly name: string,
    readonly keySpec: KeySpec,
    private readonly keys: CryptoKeyPair,
    readonly certificate: x509.X509Certificate,
  ) {}

  static async create(params: {
    /** A DN string, or a JSON name when a value holds characters a DN string would split on. */
    subject: string | x509.JsonName;
    keySpec: KeySpec;
    notBefore: Date;
    notAfter: Date;
  }): Promise<CertificateAuthority> {
    const keys = await generateKeyPair(params.keySpec);
    const certificate = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: serial(),
        name: params.subject,
        notBefore: params.notBefore,
        notAfter: params.notAfter,
        keys,
        signingAlgorithm: webCryptoSigningAlgorithm({
          family: params.keySpec.kind,
          hash: params.keySpec.kind === 'EC' && params.keySpec.curve !== 'P-256' ? 'SHA-384' : 'SHA-256',
        }),
        extensions: [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, cryptoProvider),
        ],
      },
      cryptoProvider,
    );
    return new CertificateAuthority(certificate.subject, params.keySpec, keys, certificate);
  }

  get certificatePem(): string {
    return this.certificate.toString('pem');
  }

  get family(): 'RSA' | 'EC' {
    return this.keySpec.kind;
  }

  async issue(params: IssueParams): Promise<x509.X509Certificate> {
    if (params.scheme.family !== this.family) {
      throw new Error(`Signature family ${params.scheme.family} does not match the ${this.family} key of ${this.name}`);
    }
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(params.profile === 'subordinate-ca', undefined, true),
      await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey, false, cryptoProvider),
      await x509.SubjectKeyIdentifierExtension.create(params.publicKey, false, cryptoProvider),
    ];
    if (params.profile === 'client') {
      extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
      extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]));
    } else if (params.profile === 'server') {
      extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true));
      extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
      const names = [
        ...(params.altNames?.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
        ...(params.altNames?.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
      ];
      if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
    } else if (params.profile === 'end-entity') {
      const chosen = params.endEntity ?? {};
      if (chosen.keyUsage !== undefined) extensions.push(new x509.KeyUsagesExtension(chosen.keyUsage, true));
      if (chosen.extendedKeyUsage?.length) extensions.push(new x509.ExtendedKeyUsageExtension(chosen.extendedKeyUsage));
      if (chosen.subjectAltNames) extensions.push(new x509.SubjectAlternativeNameExtension(chosen.subjectAltNames.toJSON()));
    } else {
      extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
    }
    return x509.X509CertificateGenerator.create(
      {
        serialNumber: serial(),
        subject: params.subject,
        issuer: this.certificate.subject,
        notBefore: params.notBefore,
        notAfter: params.notAfter,
        publicKey: params.publicKey,
        signingKey: await signingKeyFor(this.keys.privateKey, params.scheme.hash),
        signingAlgorithm: webCryptoSigningAlgorithm(params.scheme),
        extensions,
      },
      cryptoProvider,
    );
  }
}
