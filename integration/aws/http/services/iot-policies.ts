import { z } from 'zod';
import type { IotRegistry } from '../../model/registry/registry.js';
import { header, jsonBody, queryObject, type RestRoute } from '../protocols/rest-json.js';
import { epochSeconds, parseInput, queryBool, queryInt } from '../validate.js';
import { page } from './paging.js';

const policyName = z.string().min(1).max(128);

const CreatePolicy = z.object({ policyName, policyDocument: z.string().min(1) });
const Target = z.object({ policyName, target: z.string().min(1) });
const ListPrincipalPolicies = z.object({
  principal: z.string().min(1),
  marker: z.string().optional(),
  pageSize: queryInt.pipe(z.number().int().min(1).max(250)).optional(),
  isAscendingOrder: queryBool.optional(),
});

/** AWS IoT policies and their attachment to principals. */
export function policyRoutes(registry: IotRegistry): RestRoute[] {
  return [
    {
      operation: 'CreatePolicy',
      method: 'POST',
      path: '/policies/{policyName}',
      handle: async (req) => {
        const input = parseInput(CreatePolicy, { ...(jsonBody(req) as object), ...req.labels });
        const policy = registry.policies.createPolicy(input.policyName, input.policyDocument);
        return {
          json: {
            policyName: policy.policyName,
            policyArn: policy.policyArn,
            policyDocument: policy.policyDocument,
            policyVersionId: policy.defaultVersionId,
          },
        };
      },
    },
    {
      operation: 'GetPolicy',
      method: 'GET',
      path: '/policies/{policyName}',
      handle: async (req) => {
        const policy = registry.policies.getPolicy(parseInput(z.object({ policyName }), req.labels).policyName);
        return {
          json: {
            policyName: policy.policyName,
            policyArn: policy.policyArn,
            policyDocument: policy.policyDocument,
            defaultVersionId: policy.defaultVersionId,
            creationDate: epochSeconds(policy.creationDate),
            lastModifiedDate: epochSeconds(policy.creationDate),
            generationId: `${policy.policyName}-${policy.defaultVersionId}`,
          },
        };
      },
    },
    {
      operation: 'AttachPolicy',
      method: 'PUT',
      path: '/target-policies/{policyName}',
      handle: async (req) => {
        const input = parseInput(Target, { ...(jsonBody(req) as object), ...req.labels });
        registry.attachPolicy(input.policyName, input.target);
        return undefined;
      },
    },
    {
      operation: 'DetachPolicy',
      method: 'POST',
      path: '/target-policies/{policyName}',
      handle: async (req) => {
        const input = parseInput(Target, { ...(jsonBody(req) as object), ...req.labels });
        registry.detachPolicy(input.policyName, input.target);
        return undefined;
      },
    },
    {
      operation: 'ListPrincipalPolicies',
      method: 'GET',
      path: '/principal-policies',
      handle: async (req) => {
        const input = parseInput(ListPrincipalPolicies, { ...queryObject(req), principal: header(req, 'x-amzn-iot-principal') });
        const all = registry.listAttachedPolicies(input.principal);
        if (input.isAscendingOrder === false) all.reverse();
        const result = page(all, input.marker, input.pageSize, 25);
        return {
          json: {
            policies: result.items.map((p) => ({ policyName: p.policyName, policyArn: p.policyArn })),
            ...(result.next ? { nextMarker: result.next } : {}),
          },
        };
      },
    },
  ];
}
