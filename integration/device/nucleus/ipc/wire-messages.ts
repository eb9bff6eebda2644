import type { MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8 } from '@smithy/util-utf8';
import { jsonBody, MessageFlags, MessageType, SHAPE_PREFIX, type OutboundFrame, type RpcFrame } from './framing.js';

/**
 * Every message this server sends, with exactly the headers and bodies the Greengrass nucleus's
 * own event-stream RPC server puts on it. Sources (the nucleus carries its own copies of the two
 * Java classes, identical to the SDK's):
 * - aws-greengrass-nucleus src/main/java/software/amazon/awssdk/eventstreamrpc/
 *   OperationContinuationHandler.java (`sendMessage`, `sendModeledError`, `handleAndSendError`)
 *   and ServiceOperationMappingContinuationHandler.java (`onConnectRequest`, ping,
 *   unknown message types, unsupported operations); the same files under
 *   aws-iot-device-sdk-java-v2 sdk/greengrass/event-stream-rpc-server/;
 * - aws-greengrass-nucleus src/main/java/com/aws/greengrass/ipc/IPCEventStreamService.java (the
 *   authentication that accepts or refuses a CONNECT);
 * - aws-c-event-stream source/event_stream_rpc_server.c (`s_send_protocol_message` appends the
 *   int32 `:message-type`, `:message-flags`, `:stream-id` after these headers;
 *   `s_send_connection_level_error` and the error texts in
 *   include/aws/event-stream/private/event_stream_rpc_priv.h).
 * The Python client (aws-iot-device-sdk-python-v2 awsiot/eventstreamrpc.py) refuses an application
 * message or error without `:content-type: application/json`, so every one carries it. A stream
 * ends with the terminate flag on its last response or error: the nucleus never sends the bare
 * terminate message of `closeStream`.
 */

const CONTENT_TYPE = ':content-type';
const APPLICATION_JSON = 'application/json';
const TEXT_PLAIN = 'text/plain';
export const SERVICE_NAME = 'aws.greengrass#GreengrassCoreIPC';

const contentType = (value: string): MessageHeaders => ({ [CONTENT_TYPE]: { type: 'string', value } });

/** `:content-type` first, then `service-model-type`, in the order sendMessage adds them. */
function modelHeaders(shape: string): MessageHeaders {
  return { ...contentType(APPLICATION_JSON), 'service-model-type': { type: 'string', value: `${SHAPE_PREFIX}${shape}` } };
}

/** CONNECT_ACK: no headers of its own and no body; flag 1 accepts, 0 refuses. */
export function connectAck(accepted: boolean): OutboundFrame {
  return { type: MessageType.connectAck, flags: accepted ? MessageFlags.connectionAccepted : 0, streamId: 0 };
}

/** The answer to a ping: the ping's own non-`:` headers and its body, echoed. */
export function pingResponse(ping: RpcFrame): OutboundFrame {
  const headers: MessageHeaders = {};
  for (const [name, value] of Object.entries(ping.headers)) if (!name.startsWith(':')) headers[name] = value;
  return { type: MessageType.pingResponse, flags: 0, streamId: 0, headers, body: ping.body };
}

/**
 * An operation's response or a stream event (`sendMessage`): the response of a request/response
 * operation ends the stream with it; a streaming operation's response and its events do not.
 */
export function modelMessage(streamId: number, shape: string, body: unknown, terminate: boolean): OutboundFrame {
  return {
    type: MessageType.application,
    flags: terminate ? MessageFlags.terminateStream : 0,
    streamId,
    headers: modelHeaders(shape),
    body: jsonBody(body),
  };
}

/**
 * A modelled error (`sendModeledError`), which always ends the stream. The body is the error
 * class as Gson writes it: the shape's own `message`, then the fields of EventStreamOperationError.
 */
export function modelledError(streamId: number, shape: string, message: string): OutboundFrame {
  return {
    type: MessageType.applicationError,
    flags: MessageFlags.terminateStream,
    streamId,
    headers: modelHeaders(shape),
    body: jsonBody({ message, _service: SERVICE_NAME, _message: message, _errorCode: shape }),
  };
}

/** Anything a handler throws that is not a modelled error (`handleAndSendError`). */
export function unmodelledError(streamId: number): OutboundFrame {
  return {
    type: MessageType.applicationError,
    flags: MessageFlags.terminateStream,
    streamId,
    headers: contentType(TEXT_PLAIN),
    body: fromUtf8('InternalServerError'),
  };
}

/** A stream opened for an operation the service does not have. */
export function unsupportedOperation(streamId: number, operation: string): OutboundFrame {
  return {
    type: MessageType.applicationError,
    flags: MessageFlags.terminateStream,
    streamId,
    headers: contentType(APPLICATION_JSON),
    body: fromUtf8(`{ "error": "Unsupported Operation", "message": "${operation} is an unsupported operation." }`),
  };
}

/** Connection-level errors of aws-c-event-stream's server; the connection closes after each. */
export const CONNECTION_ERRORS = {
  connectNotCompleted:
    'A CONNECT message must be received, and the CONNECT_ACK must be sent in response, before any other message-types can be sent on this connection. In addition, only one CONNECT message is allowed on a connection.',
  invalidStreamId:
    'non-zero stream-id field is only allowed for messages of type APPLICATION_MESSAGE. The stream id max value is INT32_MAX.',
  invalidClientStreamId:
    'stream-id values must be monotonically incrementing. A stream-id arrived that was lower than the last seen stream-id.',
  invalidNewClientStreamId:
    'stream-id values must be monotonically incrementing. A new stream-id arrived that was incremented by more than 1.',
  invalidMessageType: 'an invalid value for message-type field was received.',
  invalidMessage:
    'A message was received with missing required fields. Check that your client is sending at least, :message-type, :message-flags, and :stream-id',
} as const;

export type ConnectionErrorKind = keyof typeof CONNECTION_ERRORS;

/** The body the C server writes: its JSON-ish literal with the text between `{ "message": "` and `" }`. */
export function protocolError(kind: ConnectionErrorKind): OutboundFrame {
  return {
    type: MessageType.protocolError,
    flags: 0,
    streamId: 0,
    headers: contentType(APPLICATION_JSON),
    body: fromUtf8(`{ "message": "${CONNECTION_ERRORS[kind]}" }`),
  };
}

/**
 * The missing-operation-name error is the one C literal that is not valid JSON: it ends in `";
 * }`. Kept as the server writes it.
 */
export function missingOperationError(): OutboundFrame {
  return {
    type: MessageType.protocolError,
    flags: 0,
    streamId: 0,
    headers: contentType(APPLICATION_JSON),
    body: fromUtf8('{ "message": "The first message for on a non-zero :stream-id must contain an operation header value."; }'),
  };
}

/**
 * A client's CONNECT_ACK, protocol error or internal error on stream 0: the Java handler answers
 * with a server error (type 7) and its own malformed JSON, then closes the connection.
 */
export function unrecognisedMessageType(type: number): OutboundFrame {
  return {
    type: MessageType.internalError,
    flags: 0,
    streamId: 0,
    headers: contentType(APPLICATION_JSON),
    body: fromUtf8(
      `{ "error": "Unrecognized Message Type" }"message": " message type value: ${type} is not recognized as a valid request path." }`,
    ),
  };
}
