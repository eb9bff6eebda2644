/** Modelled error shapes of the Greengrass IPC service model that this server raises. */
export type IpcErrorShape = 'ServiceError' | 'UnauthorizedError' | 'ResourceNotFoundError' | 'InvalidArgumentsError';

/**
 * An error the client receives as a modelled shape (`aws.greengrass#<shape>` with a JSON
 * `{"message":...}` body); the SDK exposes it as `RpcError.serviceError`.
 */
export class IpcServiceError extends Error {
  constructor(
    readonly shape: IpcErrorShape,
    message: string,
  ) {
    super(message);
    this.name = shape;
  }
}

/** The nucleus's answer to an operation the component's policies do not allow. */
export const notAuthorized = (): IpcServiceError => new IpcServiceError('UnauthorizedError', 'Not Authorized');

/** The nucleus's answer to a configuration read of an unknown component or key. */
export const keyNotFound = (): IpcServiceError => new IpcServiceError('ResourceNotFoundError', 'Key not found');
