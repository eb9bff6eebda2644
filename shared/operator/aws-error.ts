/** An AWS error's name and message, without the SDK's metadata; missing region and credentials as advice. */
export function describeAwsError(error: unknown): string {
  if (error instanceof Error) {
    if (/Region is missing/i.test(error.message)) return 'No AWS region: pass --region or set AWS_REGION';
    if (error.name === 'CredentialsProviderError') {
      return 'No AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with a role';
    }
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  }
  return String(error);
}
