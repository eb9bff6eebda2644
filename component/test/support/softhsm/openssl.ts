import { spawnSync } from 'node:child_process';

/**
 * `openssl req -verify -noout -text` on a PEM CSR. Returns stderr then stdout (OpenSSL 3 reports
 * the self-signature check on stderr); throws when openssl is missing or the check fails.
 */
export function opensslVerifyCsr(csrPem: string): string {
  const result = spawnSync('openssl', ['req', '-verify', '-noout', '-text'], { input: csrPem, encoding: 'utf8' });
  if (result.error !== undefined) {
    throw new Error(`Cannot run openssl (install the Debian package openssl): ${result.error.message}`);
  }
  const output = `${result.stderr}${result.stdout}`;
  if (result.status !== 0) throw new Error(`openssl req -verify failed (exit ${String(result.status)}): ${output}`);
  return output;
}
