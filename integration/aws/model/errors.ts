/**
 * Errors of the modelled AWS services. `code` is the AWS error code (the `__type` / `x-amzn-ErrorType`
 * an SDK client turns into an exception name) and `httpStatus` the status AWS answers with, so an
 * HTTP front end can map each error one to one.
 */
export const AWS_ERROR_STATUS = {
  ResourceNotFoundException: 404,
  InvalidRequestException: 400,
  DeleteConflictException: 409,
  ResourceAlreadyExistsException: 409,
  CertificateStateException: 406,
  CertificateValidationException: 400,
  VersionConflictException: 409,
  ConflictException: 409,
  InvalidStateTransitionException: 409,
  TerminalStateException: 410,
  MalformedPolicyException: 400,
  LimitExceededException: 410,
  ThrottlingException: 429,
  UnauthorizedException: 401,
  // IAM refusing a signed request
  AccessDeniedException: 403,
  // Lambda
  InvalidParameterValueException: 400,
  ResourceConflictException: 409,
  SqlParseException: 400,
  // ACM PCA
  ValidationException: 400,
  MalformedCSRException: 400,
  RequestInProgressException: 400,
  InvalidArnException: 400,
  InvalidArgsException: 400,
  InvalidStateException: 400,
  // SNS
  NotFoundException: 404,
  InvalidParameterException: 400,
  // Greengrass V2: AccessDeniedException, as above
  // S3
  NoSuchBucket: 404,
  NoSuchKey: 404,
  BucketAlreadyOwnedByYou: 409,
  InvalidBucketName: 400,
} as const;

export type AwsErrorCode = keyof typeof AWS_ERROR_STATUS;

export class AwsError extends Error {
  readonly httpStatus: number;

  constructor(
    readonly code: AwsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
    this.httpStatus = AWS_ERROR_STATUS[code];
  }
}

export function isAwsError(error: unknown, code?: AwsErrorCode): error is AwsError {
  return error instanceof AwsError && (code === undefined || error.code === code);
}

export const notFound = (message: string): AwsError => new AwsError('ResourceNotFoundException', message);
export const invalidRequest = (message: string): AwsError => new AwsError('InvalidRequestException', message);
