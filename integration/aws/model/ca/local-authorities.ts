import * as x509 from './x509.js';
import { CertificateAuthority } from './certificate-authority.js';
import { InvalidCsrError, parseVerifiedCsr } from './csr.js';
import { generateKeyPair, type KeySpec, privateKeyPem } from './keys.js';
import { AwsError } from '../errors.js';

const DAY_MS = 86_400_000;
/** AWS IoT-issued certificates are valid until the end of 2049. */
const AWS_IOT_NOT_AFTER = new Date(Date.UTC(2049, 11, 31, 23, 59, 59));
/** AWS IoT's issuer is one OU attribute holding this whole text. */
export const AWS_IOT_ISSUER_NAME = 'Amazon Web Services O=Amazon.com Inc. L=Seattle ST=Washington C=US';

function awsIotKeyProblem(algorithm: { name: string; modulusLength?: number; namedCurve?: string }): string | undefined {
  if (algorithm.name.startsWith('RSA'))
    return (algorithm.modulusLength ?? 0) >= 2048 ? undefined : 'The CSR key must be an RSA key of at least 2048 bits';
  if (algorithm.name === 'ECDSA' || algorithm.name === 'ECDH') {
    return ['P-256', 'P-384', 'P-521'].includes(algorithm.namedCurve ?? '')
      ? undefined
      : 'The CSR key must be on NIST P-256, P-384 or P-521';
  }
  return `The CSR key type ${algorithm.name} is not supported`;
}

export interface IssuedCredentials {
  certificatePem: string;
  privateKeyPem: string;
}

/** When a certificate is valid; epoch milliseconds. */
export interface ValidityPeriod {
  notBefore: number;
  notAfter: number;
}

/**
 * The stand-in's fixed authorities: a root that signs the broker's TLS server certificate (what
 * devices trust, like Amazon Root CA 1), a device CA for initial device certificates, and the
 * "Amazon Web Services" issuer behind CreateCertificateFromCsr.
 */
export class LocalAuthorities {
  private constructor(
    readonly serverRoot: CertificateAuthority,
    readonly deviceCa: CertificateAuthority,
    readonly awsIot: CertificateAuthority,
    private readonly now: () => number,
  ) {}

  static async create(now: () => number): Promise<LocalAuthorities> {
    const notBefore = new Date(now() - DAY_MS);
    const notAfter = new Date(Date.UTC(2050, 0, 1));
    const [serverRoot, deviceCa, awsIot] = await Promise.all([
      // EC keys where AWS does not dictate RSA: they are generated in milliseconds.
      CertificateAuthority.create({
        subject: 'CN=Stand-in Root CA,O=Local AWS IoT stand-in',
        keySpec: { kind: 'EC', curve: 'P-256' },
        notBefore,
        notAfter,
      }),
      CertificateAuthority.create({
        subject: 'CN=Stand-in Device CA,O=Local AWS IoT stand-in',
        keySpec: { kind: 'EC', curve: 'P-256' },
        notBefore,
        notAfter,
      }),
      CertificateAuthority.create({ subject: [{ OU: [AWS_IOT_ISSUER_NAME] }], keySpec: { kind: 'RSA', bits: 2048 }, notBefore, notAfter }),
    ]);
    return new LocalAuthorities(serverRoot, deviceCa, awsIot, now);
  }

  /**
   * A device key pair and certificate signed by the device CA (initial provisioning). The
   * certificate is valid from a day ago for ten years unless `validity` says otherwise, so that
   * a fleet can hold certificates that come due at chosen times.
   */
  async issueDeviceCredentials(
    subject: string,
    keySpec: KeySpec = { kind: 'RSA', bits: 2048 },
    validity: ValidityPeriod = { notBefore: this.now() - DAY_MS, notAfter: this.now() + 3650 * DAY_MS },
  ): Promise<IssuedCredentials> {
    if (!(validity.notBefore < validity.notAfter)) throw new Error('A certificate must become valid before it expires');
    const keys = await generateKeyPair(keySpec);
    const certificate = await this.deviceCa.issue({
      publicKey: keys.publicKey,
      subject,
      notBefore: new Date(validity.notBefore),
      notAfter: new Date(validity.notAfter),
      scheme: { family: this.deviceCa.family, hash: 'SHA-256' },
      profile: 'client',
    });
    return { certificatePem: certificate.toString('pem'), privateKeyPem: await privateKeyPem(keys.privateKey) };
  }

  /**
   * CreateCertificateFromCsr's signer: always SHA256WITHRSA by the Amazon issuer, whatever the
   * CSR's own signature algorithm. The subject is the CSR's; the CSR's extensions are not copied
   * (the certificate carries AWS IoT's own client-certificate extensions); the key must be RSA of
   * at least 2048 bits or EC on P-256, P-384 or P-521, as the API reference says.
   */
  async signCsrAsAwsIot(csrPem: string): Promise<string> {
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = await parseVerifiedCsr(csrPem);
    } catch (error) {
      if (error instanceof InvalidCsrError) throw new AwsError('InvalidRequestException', error.message);
      throw error;
    }
    const keyProblem = awsIotKeyProblem(csr.publicKey.algorithm as { name: string; modulusLength?: number; namedCurve?: string });
    if (keyProblem !== undefined) throw new AwsError('InvalidRequestException', keyProblem);
    const certificate = await this.awsIot.issue({
      publicKey: csr.publicKey,
      subject: csr.subject,
      notBefore: new Date(this.now() - 60_000),
      notAfter: AWS_IOT_NOT_AFTER,
      scheme: { family: 'RSA', hash: 'SHA-256' },
      profile: 'client',
    });
    return certificate.toString('pem');
  }

  /** The broker's TLS server certificate for 127.0.0.1 and localhost. */
  async issueServerCredentials(): Promise<IssuedCredentials> {
    const keys = await generateKeyPair({ kind: 'EC', curve: 'P-256' });
    const certificate = await this.serverRoot.issue({
      publicKey: keys.publicKey,
      subject: 'CN=localhost',
      notBefore: new Date(this.now() - DAY_MS),
      notAfter: new Date(this.now() + 365 * DAY_MS),
      scheme: { family: this.serverRoot.family, hash: 'SHA-256' },
      profile: 'server',
      altNames: { dns: ['localhost'], ip: ['127.0.0.1'] },
    });
    return { certificatePem: certificate.toString('pem'), privateKeyPem: await privateKeyPem(keys.privateKey) };
  }
}
