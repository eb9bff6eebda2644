import { z } from 'zod';
import { AwsError, invalidRequest } from '../../model/errors.js';
import type { IotRegistry } from '../../model/registry/registry.js';
import { header, jsonBody, queryObject, type RestRequest, type RestRoute } from '../protocols/rest-json.js';
import { parseInput, queryInt } from '../validate.js';
import { page } from './paging.js';

const name = z.string().min(1).max(128);
const principalType = z.enum(['EXCLUSIVE_THING', 'NON_EXCLUSIVE_THING']);
const maxResults = queryInt.pipe(z.number().int().min(1).max(250)).optional();

const CreateThing = z.object({
  thingName: name,
  attributePayload: z.object({ attributes: z.record(z.string(), z.string()).optional() }).optional(),
});
const DeleteThing = z.object({ thingName: name, expectedVersion: queryInt.optional() });
const ListPrincipals = z.object({
  thingName: name,
  nextToken: z.string().optional(),
  maxResults,
  thingPrincipalType: principalType.optional(),
});
const Principal = z.object({ thingName: name, principal: z.string().min(1), thingPrincipalType: principalType.optional() });
const CreateGroup = z.object({
  thingGroupName: name,
  thingGroupProperties: z.object({ thingGroupDescription: z.string().optional() }).optional(),
});
const AddToGroup = z.object({
  thingGroupName: name.optional(),
  thingGroupArn: z.string().optional(),
  thingName: name.optional(),
  thingArn: z.string().optional(),
});
const ListInGroup = z.object({ thingGroupName: name, nextToken: z.string().optional(), maxResults });
const ListGroupsOfThing = z.object({ thingName: name, nextToken: z.string().optional(), maxResults });
const ListPrincipalThings = z.object({
  principal: z.string().min(1),
  nextToken: z.string().optional(),
  maxResults,
  thingPrincipalType: principalType.optional(),
});

/** The name in `name` or, failing that, the resource part of `arn` (`...:thing/<name>`). */
function nameOrArn(field: string, value: string | undefined, arn: string | undefined, type: string): string {
  if (value !== undefined) return value;
  const fromArn = arn === undefined ? undefined : new RegExp(`^arn:aws:iot:[^:]*:\\d*:${type}/([^/]+)$`).exec(arn)?.[1];
  if (fromArn === undefined) throw invalidRequest(`${field}: a name or a valid ARN is required`);
  return fromArn;
}

const principalInput = (req: RestRequest) =>
  parseInput(Principal, { ...req.labels, ...queryObject(req), principal: header(req, 'x-amzn-principal') });

/** DeleteThing as AWS IoT does it: gone already is fine; attached principals or a stale version are not. */
function deleteThing(registry: IotRegistry, thingName: string, expectedVersion: number | undefined): void {
  if (!registry.things.hasThing(thingName)) return;
  const thing = registry.things.describeThing(thingName);
  if (expectedVersion !== undefined && expectedVersion !== thing.version) {
    throw new AwsError('VersionConflictException', `Thing ${thingName} is at version ${thing.version}, not ${expectedVersion}`);
  }
  if (registry.listThingPrincipals(thingName).length > 0) {
    throw invalidRequest(`Cannot delete. Thing ${thingName} is still attached to one or more principals`);
  }
  registry.things.deleteThing(thingName);
}

/** AWS IoT things, thing groups and thing principals. */
export function thingRoutes(registry: IotRegistry): RestRoute[] {
  return [
    {
      operation: 'CreateThing',
      method: 'POST',
      path: '/things/{thingName}',
      handle: async (req) => {
        const input = parseInput(CreateThing, { ...(jsonBody(req) as object), ...req.labels });
        const thing = registry.things.createThing(input.thingName, input.attributePayload?.attributes ?? {});
        return { json: { thingName: thing.thingName, thingArn: thing.thingArn, thingId: thing.thingId } };
      },
    },
    {
      operation: 'DescribeThing',
      method: 'GET',
      path: '/things/{thingName}',
      handle: async (req) => {
        const thing = registry.things.describeThing(parseInput(z.object({ thingName: name }), req.labels).thingName);
        return {
          json: {
            defaultClientId: thing.thingName,
            thingName: thing.thingName,
            thingId: thing.thingId,
            thingArn: thing.thingArn,
            attributes: thing.attributes,
            version: thing.version,
          },
        };
      },
    },
    {
      operation: 'DeleteThing',
      method: 'DELETE',
      path: '/things/{thingName}',
      handle: async (req) => {
        const input = parseInput(DeleteThing, { ...req.labels, ...queryObject(req) });
        deleteThing(registry, input.thingName, input.expectedVersion);
        return { json: {} };
      },
    },
    {
      operation: 'ListThingPrincipals',
      method: 'GET',
      path: '/things/{thingName}/principals',
      handle: async (req) => {
        const input = parseInput(ListPrincipals.omit({ thingPrincipalType: true }), { ...req.labels, ...queryObject(req) });
        const result = page(registry.listThingPrincipals(input.thingName), input.nextToken, input.maxResults, 25);
        return { json: { principals: result.items, ...(result.next ? { nextToken: result.next } : {}) } };
      },
    },
    {
      operation: 'ListThingPrincipalsV2',
      method: 'GET',
      path: '/things/{thingName}/principals-v2',
      handle: async (req) => {
        const input = parseInput(ListPrincipals, { ...req.labels, ...queryObject(req) });
        const all = registry.listThingPrincipalsV2(input.thingName, input.thingPrincipalType);
        const result = page(all, input.nextToken, input.maxResults, 25);
        const thingPrincipalObjects = result.items.map((p) => ({ principal: p.principal, thingPrincipalType: p.thingPrincipalType }));
        return { json: { thingPrincipalObjects, ...(result.next ? { nextToken: result.next } : {}) } };
      },
    },
    {
      operation: 'ListPrincipalThingsV2',
      method: 'GET',
      path: '/principals/things-v2',
      handle: async (req) => {
        const input = parseInput(ListPrincipalThings, { ...queryObject(req), principal: header(req, 'x-amzn-principal') });
        const all = registry.listPrincipalThingsV2(input.principal, input.thingPrincipalType);
        const result = page(all, input.nextToken, input.maxResults, 25);
        const principalThingObjects = result.items.map((p) => ({ thingName: p.thingName, thingPrincipalType: p.thingPrincipalType }));
        return { json: { principalThingObjects, ...(result.next ? { nextToken: result.next } : {}) } };
      },
    },
    {
      operation: 'AttachThingPrincipal',
      method: 'PUT',
      path: '/things/{thingName}/principals',
      handle: async (req) => {
        const input = principalInput(req);
        registry.attachThingPrincipal(input.thingName, input.principal, input.thingPrincipalType ?? 'NON_EXCLUSIVE_THING');
        return { json: {} };
      },
    },
    {
      operation: 'DetachThingPrincipal',
      method: 'DELETE',
      path: '/things/{thingName}/principals',
      handle: async (req) => {
        const input = principalInput(req);
        registry.detachThingPrincipal(input.thingName, input.principal);
        return { json: {} };
      },
    },
    {
      operation: 'CreateThingGroup',
      method: 'POST',
      path: '/thing-groups/{thingGroupName}',
      handle: async (req) => {
        const input = parseInput(CreateGroup, { ...(jsonBody(req) as object), ...req.labels });
        const group = registry.things.createThingGroup(input.thingGroupName, input.thingGroupProperties?.thingGroupDescription);
        return {
          json: { thingGroupName: group.thingGroupName, thingGroupArn: group.thingGroupArn, thingGroupId: group.thingGroupId },
        };
      },
    },
    {
      operation: 'DescribeThingGroup',
      method: 'GET',
      path: '/thing-groups/{thingGroupName}',
      handle: async (req) => {
        const group = registry.things.describeThingGroup(req.labels.thingGroupName ?? '');
        return {
          json: {
            thingGroupName: group.thingGroupName,
            thingGroupArn: group.thingGroupArn,
            thingGroupId: group.thingGroupId,
            version: group.version,
            thingGroupProperties: group.description === undefined ? {} : { thingGroupDescription: group.description },
            thingGroupMetadata: { creationDate: group.creationDate / 1000 },
            status: 'ACTIVE',
          },
        };
      },
    },
    {
      operation: 'AddThingToThingGroup',
      method: 'PUT',
      path: '/thing-groups/addThingToThingGroup',
      handle: async (req) => {
        const input = parseInput(AddToGroup, jsonBody(req));
        const group = nameOrArn('thingGroupName', input.thingGroupName, input.thingGroupArn, 'thinggroup');
        const thing = nameOrArn('thingName', input.thingName, input.thingArn, 'thing');
        registry.things.addThingToThingGroup(group, thing);
        return { json: {} };
      },
    },
    {
      operation: 'ListThingsInThingGroup',
      method: 'GET',
      path: '/thing-groups/{thingGroupName}/things',
      handle: async (req) => {
        const input = parseInput(ListInGroup, { ...req.labels, ...queryObject(req) });
        const result = page(registry.things.listThingsInThingGroup(input.thingGroupName), input.nextToken, input.maxResults, 25);
        return { json: { things: result.items, ...(result.next ? { nextToken: result.next } : {}) } };
      },
    },
    {
      operation: 'ListThingGroupsForThing',
      method: 'GET',
      path: '/things/{thingName}/thing-groups',
      handle: async (req) => {
        const input = parseInput(ListGroupsOfThing, { ...req.labels, ...queryObject(req) });
        const result = page(registry.things.listThingGroupsForThing(input.thingName), input.nextToken, input.maxResults, 25);
        const thingGroups = result.items.map((g) => ({ groupName: g.thingGroupName, groupArn: g.thingGroupArn }));
        return { json: { thingGroups, ...(result.next ? { nextToken: result.next } : {}) } };
      },
    },
  ];
}
