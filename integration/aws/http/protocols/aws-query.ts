import { XMLBuilder } from 'fast-xml-parser';
import { ProtocolError, type WireError } from '../errors.js';
import type { HttpReply, ProtocolEndpoint, RawRequest, ResolvedCall } from './protocol.js';

/** Result shapes of awsQuery operations: structures become elements, lists `<member>` elements. */
export type XmlValue = string | number | boolean | readonly XmlValue[] | { readonly [name: string]: XmlValue | undefined };

/** The form parameters of an awsQuery request, flattened (`Attributes.entry.1.key`, ...). */
export type QueryParams = ReadonlyMap<string, string>;

export type QueryOperation = (params: QueryParams) => XmlValue | undefined | Promise<XmlValue | undefined>;

/** Attributes are `@_`-prefixed keys (the xmlns of the response element); text is escaped. */
const xml = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true, suppressEmptyNode: false });

type XmlTree = string | number | boolean | { [name: string]: XmlTree | XmlTree[] };

/** awsQuery's shape for the builder: a list is a `<member>` element per item. */
function xmlTree(value: XmlValue): XmlTree {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return { member: value.map((v: XmlValue) => xmlTree(v)) };
  const fields = Object.entries(value as { readonly [name: string]: XmlValue | undefined });
  return Object.fromEntries(fields.flatMap(([k, v]) => (v === undefined ? [] : [[k, xmlTree(v)]])));
}

/**
 * A map parameter of an awsQuery request (`<name>.entry.<n>.key` / `.value`), as the SDK writes
 * it for members such as SNS `Attributes`.
 */
export function queryMap(params: QueryParams, name: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (let n = 1; params.has(`${name}.entry.${n}.key`); n++) {
    map[params.get(`${name}.entry.${n}.key`) ?? ''] = params.get(`${name}.entry.${n}.value`) ?? '';
  }
  return map;
}

/**
 * An awsQuery service: form-encoded `Action=<Operation>&Version=...` POSTs, answered with
 * `<OperationResponse><OperationResult>` XML; errors as `<ErrorResponse><Error><Code>`.
 */
export function awsQueryEndpoint(xmlNamespace: string, operations: Readonly<Record<string, QueryOperation>>): ProtocolEndpoint {
  return {
    resolve(request: RawRequest): ResolvedCall {
      const params: QueryParams = new Map(new URLSearchParams(request.body.toString('utf8')));
      const action = params.get('Action') ?? '';
      const operation = Object.hasOwn(operations, action) ? operations[action] : undefined;
      if (request.method !== 'POST' || !operation) {
        throw new ProtocolError('InvalidAction', 400, `Unknown action ${action}`);
      }
      return {
        operation: action,
        params: Object.fromEntries(params),
        invoke: async () => {
          const result = await operation(params);
          const body = xml.build({
            [`${action}Response`]: {
              '@_xmlns': xmlNamespace,
              [`${action}Result`]: xmlTree(result ?? {}),
              ResponseMetadata: { RequestId: request.requestId },
            },
          }) as string;
          return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': request.requestId }, body };
        },
      };
    },
    errorReply(error: WireError, request: RawRequest): HttpReply {
      const type = error.status >= 500 ? 'Receiver' : 'Sender';
      const body = xml.build({
        ErrorResponse: {
          '@_xmlns': xmlNamespace,
          Error: { Type: type, Code: error.code, Message: error.message },
          RequestId: request.requestId,
        },
      }) as string;
      return { status: error.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': request.requestId }, body };
    },
  };
}
