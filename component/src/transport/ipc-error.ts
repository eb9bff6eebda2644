/**
 * One line describing an IPC failure. The SDK's RpcError carries a generic description and
 * puts the nucleus's own words (`serviceError.message`) or the native cause (`internalError`)
 * beside it; both matter when reading a device log.
 */
export function describeIpcError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details: string[] = [error.message];
  const { serviceError, internalError } = error as Error & { serviceError?: unknown; internalError?: unknown };
  if (typeof serviceError === 'object' && serviceError !== null && 'message' in serviceError) {
    details.push(String(serviceError.message));
  }
  if (internalError instanceof Error) details.push(internalError.message);
  return details.filter((detail) => detail !== '').join(': ');
}
