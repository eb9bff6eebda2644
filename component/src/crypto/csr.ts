import { webcrypto, X509Certificate as NodeX509Certificate, type KeyObject } from 'node:crypto';
import type { AlgorithmConfig } from '../config/algorithms.js';
import { certificateSubjectDer, certificationRequestSubjectDer } from './der.js';
import { generateKeyPair, keyAlgorithmOf, privateKeyToPem, publicKeySpki } from './key-pair.js';
import { csrSignatureAlgorithm, type CsrSignatureAlgorithm } from './signature-algorithm.js';
import { Name, Pkcs10CertificateRequest, Pkcs10CertificateRequestGenerator } from './x509.js';

/**
 * Signs the DER CertificationRequestInfo. Returns the signature as WebCrypto and PKCS#11
 * produce it: the PKCS#1 v1.5 or PSS block for RSA, raw r||s (IEEE P1363) for ECDSA.
 */
export type CsrSign = (tbs: Uint8Array, algorithm: CsrSignatureAlgorithm) => Promise<Uint8Array>;

export interface CsrRequest {
  /** The subject Name DER, normally lifted from the current certificate with `certificateSubjectDer`. */
  subject: Uint8Array;
  /** SubjectPublicKeyInfo DER of the new key pair. */
  publicKeySpki: Uint8Array;
  algorithms: AlgorithmConfig;
  /** Signs with the new private key: in memory for files, inside the token for PKCS#11. */
  sign: CsrSign;
}

// The library's types name the DOM `Crypto`, which this Node project does not load.
type ProviderCrypto = NonNullable<Parameters<typeof Pkcs10CertificateRequestGenerator.create>[1]>;
type GeneratorKeys = Parameters<typeof Pkcs10CertificateRequestGenerator.create>[0]['keys'];

/**
 * An ArrayBuffer holding exactly `bytes`. `Buffer#slice` shares memory (and Node's pool), so
 * copy through a plain Uint8Array to get a buffer that starts and ends where the bytes do.
 */
function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** Point size in bytes of each curve, so an r||s signature can be length-checked. */
const EC_POINT_SIZE: Readonly<Record<string, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

/**
 * Builds a PEM PKCS#10 request with no attributes or extensions from a public key and a
 * signing callback, so the same assembly serves keys in memory and keys in an HSM.
 * The request is verified against its own public key before it is returned.
 */
export async function buildCsr(request: CsrRequest): Promise<string> {
  const algorithm = csrSignatureAlgorithm(request.algorithms);
  const actualKey = keyAlgorithmOf(request.publicKeySpki);
  if (actualKey !== request.algorithms.keyAlgorithm) {
    throw new Error(`CSR public key is ${actualKey ?? 'of an unsupported type'}, expected ${request.algorithms.keyAlgorithm}`);
  }
  const sign = async (tbs: Uint8Array): Promise<ArrayBuffer> => {
    const signature = await request.sign(tbs, algorithm);
    if (algorithm.name === 'ECDSA' && signature.length !== 2 * (EC_POINT_SIZE[algorithm.namedCurve] ?? 0)) {
      throw new Error(`ECDSA signature for ${algorithm.namedCurve} has ${signature.length} bytes, expected raw r||s`);
    }
    return arrayBuffer(signature);
  };
  // The generator's crypto argument is its documented provider hook. It needs only these two
  // members: the SPKI of the public key and a signature over the TBS bytes. Supplying them
  // from the caller lets the key stay wherever it lives. The algorithm is what the generator
  // reads from `keys.privateKey.algorithm` to encode the AlgorithmIdentifier.
  const provider = {
    subtle: {
      exportKey: async () => arrayBuffer(request.publicKeySpki),
      sign: async (_algorithm: unknown, _key: unknown, tbs: ArrayBuffer) => sign(new Uint8Array(tbs)),
    },
  } as unknown as ProviderCrypto;
  const keys = { publicKey: { algorithm }, privateKey: { algorithm } } as unknown as GeneratorKeys;
  const csr = await Pkcs10CertificateRequestGenerator.create(
    { keys, signingAlgorithm: algorithm, name: new Name(request.subject) },
    provider,
  );
  const der = new Uint8Array(csr.rawData);
  if (!equalBytes(certificationRequestSubjectDer(der), request.subject)) {
    throw new Error('CSR subject encoding differs from the requested subject');
  }
  const check = new Pkcs10CertificateRequest(der);
  if (!(await check.verify(webcrypto as unknown as ProviderCrypto))) {
    throw new Error(`CSR self-signature does not verify (${request.algorithms.signingAlgorithm})`);
  }
  return check.toString('pem') + '\n';
}

/** Signs in memory with WebCrypto, importing the key for the requested algorithm. */
export function webCryptoSigner(privateKey: KeyObject): CsrSign {
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  return async (tbs, algorithm) => {
    const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
    return new Uint8Array(await webcrypto.subtle.sign(algorithm, key, tbs));
  };
}

/** The subject Name DER of a PEM or DER certificate, exactly as encoded there. */
export function subjectOfCertificate(certificate: string | Uint8Array): Uint8Array {
  const der = new NodeX509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate)).raw;
  return certificateSubjectDer(der);
}

export interface NewKeyAndCsr {
  csrPem: string;
  privateKey: KeyObject;
  /** Unencrypted PEM in the format Greengrass reads (see `privateKeyToPem`). Never log it. */
  privateKeyPem: string;
}

/** Generates a key pair in memory and a CSR for it whose subject repeats `subject`. */
export async function createKeyAndCsr(subject: Uint8Array, algorithms: AlgorithmConfig): Promise<NewKeyAndCsr> {
  csrSignatureAlgorithm(algorithms);
  const pair = await generateKeyPair(algorithms.keyAlgorithm);
  const csrPem = await buildCsr({
    subject,
    publicKeySpki: publicKeySpki(pair.publicKey),
    algorithms,
    sign: webCryptoSigner(pair.privateKey),
  });
  return { csrPem, privateKey: pair.privateKey, privateKeyPem: privateKeyToPem(pair.privateKey) };
}
