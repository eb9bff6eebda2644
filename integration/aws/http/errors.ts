import { AwsError } from '../model/errors.js';
import type { ServiceName } from './service-name.js';

/** An error as it goes on the wire: the code the SDK turns into an exception class, and its status. */
export interface WireError {
  code: string;
  status: number;
  message: string;
}

/** A failure of the HTTP layer itself, with no model counterpart (unknown operation, unreadable body). */
export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

interface Rename {
  code: string;
  status: number;
}

/**
 * The model speaks in AWS IoT control-plane error codes. The other APIs name some of the same
 * conditions differently; these are the codes their SDK clients know (awsQuery codes for SNS are
 * the short `awsQueryError` names, which the SNS client maps back to its exception classes).
 */
const RENAMES: Readonly<Record<ServiceName, Readonly<Record<string, Rename>>>> = {
  // AWS IoT's control plane answers throttling with 400 (its API model's httpError), its data
  // planes with 429; AWS Private CA with 400 (a common error, not in its model); SNS with Throttled, 429.
  iot: {
    ThrottlingException: { code: 'ThrottlingException', status: 400 },
  },
  'iot-data': {
    VersionConflictException: { code: 'ConflictException', status: 409 },
    ResourceAlreadyExistsException: { code: 'ConflictException', status: 409 },
  },
  'iot-jobs-data': {
    VersionConflictException: { code: 'ConflictException', status: 409 },
  },
  'acm-pca': {
    ThrottlingException: { code: 'ThrottlingException', status: 400 },
    DeleteConflictException: { code: 'InvalidStateException', status: 400 },
    CertificateStateException: { code: 'InvalidStateException', status: 400 },
    ResourceAlreadyExistsException: { code: 'InvalidRequestException', status: 400 },
  },
  greengrass: {
    InvalidRequestException: { code: 'ValidationException', status: 400 },
    ResourceAlreadyExistsException: { code: 'ConflictException', status: 409 },
    InvalidStateTransitionException: { code: 'ConflictException', status: 409 },
  },
  s3: {},
  sns: {
    ResourceNotFoundException: { code: 'NotFound', status: 404 },
    NotFoundException: { code: 'NotFound', status: 404 },
    InvalidRequestException: { code: 'InvalidParameter', status: 400 },
    InvalidParameterException: { code: 'InvalidParameter', status: 400 },
    ThrottlingException: { code: 'Throttled', status: 429 },
    AccessDeniedException: { code: 'AuthorizationError', status: 403 },
  },
};

const INTERNAL: Readonly<Record<ServiceName, string>> = {
  iot: 'InternalFailureException',
  'iot-data': 'InternalFailureException',
  'iot-jobs-data': 'InternalServerException',
  'acm-pca': 'InternalFailureException',
  sns: 'InternalError',
  greengrass: 'InternalServerException',
  s3: 'InternalError',
};

/** The one place where model and protocol errors become wire errors; anything else is a 500. */
export function toWireError(error: unknown, service: ServiceName): WireError {
  if (error instanceof AwsError) {
    const rename = RENAMES[service][error.code];
    return rename
      ? { code: rename.code, status: rename.status, message: error.message }
      : { code: error.code, status: error.httpStatus, message: error.message };
  }
  if (error instanceof ProtocolError) {
    return { code: error.code, status: error.status, message: error.message };
  }
  return { code: INTERNAL[service], status: 500, message: 'Internal failure' };
}

export const throttled = (): AwsError => new AwsError('ThrottlingException', 'Rate exceeded');
