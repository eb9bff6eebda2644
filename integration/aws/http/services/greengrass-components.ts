import { z } from 'zod';
import type { ComponentStore, ComponentVersion } from '../../model/greengrass/components.js';
import { AwsError } from '../../model/errors.js';
import { jsonBody, queryObject, type RestRoute } from '../protocols/rest-json.js';
import { epochSeconds, optional, parseInput, queryInt } from '../validate.js';
import { page } from './paging.js';
import { stringify } from 'yaml';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const CreateComponentVersion = z.object({
  inlineRecipe: base64.optional(),
  lambdaFunction: z.unknown().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  clientToken: z.string().optional(),
});
const Arn = z.object({ arn: z.string().startsWith('arn:aws:greengrass:', 'must be a Greengrass component ARN') });
const ListVersions = Arn.extend({
  maxResults: queryInt.pipe(z.number().int().min(1).max(100)).optional(),
  nextToken: z.string().optional(),
});
const GetComponent = Arn.extend({ recipeOutputFormat: z.enum(['JSON', 'YAML']).optional() });
const Resolve = z.object({
  platform: z.object({ name: z.string().optional(), attributes: z.record(z.string(), z.string()).optional() }).optional(),
  componentCandidates: z
    .array(
      z.object({
        componentName: z.string().min(1),
        componentVersion: z.string().min(1),
        versionRequirements: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1),
});

const status = (v: ComponentVersion) => ({ componentState: v.state, message: v.message, errors: v.errors });
const recipeText = (v: ComponentVersion, format: 'JSON' | 'YAML'): string =>
  format === 'YAML' ? stringify(v.recipe) : JSON.stringify(v.recipe);

/** Greengrass V2 components: creating versions from inline recipes, reading them, resolving them for devices. */
export function componentRoutes(components: ComponentStore): RestRoute[] {
  return [
    {
      operation: 'CreateComponentVersion',
      method: 'POST',
      path: '/greengrass/v2/createComponentVersion',
      handle: async (req) => {
        const input = parseInput(CreateComponentVersion, jsonBody(req));
        if (input.lambdaFunction !== undefined)
          throw new AwsError('ValidationException', 'lambdaFunction: Lambda components are not modelled; give an inlineRecipe');
        if (input.inlineRecipe === undefined) throw new AwsError('ValidationException', 'inlineRecipe: a recipe is required');
        const created = components.createComponentVersion(Buffer.from(input.inlineRecipe, 'base64'));
        // The service answers before it has checked the artifacts; DescribeComponent tells the outcome.
        return {
          status: 201,
          json: {
            arn: created.arn,
            componentName: created.componentName,
            componentVersion: created.componentVersion,
            creationTimestamp: epochSeconds(created.creationTimestamp),
            status: { componentState: 'REQUESTED', message: 'NONE', errors: {} },
          },
        };
      },
    },
    {
      operation: 'DescribeComponent',
      method: 'GET',
      path: '/greengrass/v2/components/{arn}/metadata',
      handle: async (req) => {
        const v = components.describeComponent(parseInput(Arn, req.labels).arn);
        return {
          json: {
            arn: v.arn,
            componentName: v.componentName,
            componentVersion: v.componentVersion,
            creationTimestamp: epochSeconds(v.creationTimestamp),
            publisher: v.publisher,
            ...optional('description', v.description),
            status: status(v),
            platforms: v.recipe.Manifests.map((m) => ({
              attributes: Object.fromEntries(Object.entries(m.Platform ?? {}).map(([k, x]) => [k, String(x)])),
            })),
            tags: {},
          },
        };
      },
    },
    {
      operation: 'GetComponent',
      method: 'GET',
      path: '/greengrass/v2/components/{arn}',
      handle: async (req) => {
        const input = parseInput(GetComponent, { ...queryObject(req), ...req.labels });
        const format = input.recipeOutputFormat ?? 'JSON';
        const v = components.describeComponent(input.arn);
        return { json: { recipeOutputFormat: format, recipe: Buffer.from(recipeText(v, format)).toString('base64'), tags: {} } };
      },
    },
    {
      operation: 'ListComponentVersions',
      method: 'GET',
      path: '/greengrass/v2/components/{arn}/versions',
      handle: async (req) => {
        const input = parseInput(ListVersions, { ...queryObject(req), ...req.labels });
        const result = page(components.listComponentVersions(input.arn), input.nextToken, input.maxResults, 50);
        const componentVersions = result.items.map((v) => ({
          componentName: v.componentName,
          componentVersion: v.componentVersion,
          arn: v.arn,
        }));
        return { json: { componentVersions, ...optional('nextToken', result.next) } };
      },
    },
    {
      operation: 'ResolveComponentCandidates',
      method: 'POST',
      path: '/greengrass/v2/resolveComponentCandidates',
      handle: async (req) => {
        const input = parseInput(Resolve, jsonBody(req));
        const attributes = input.platform?.attributes ?? {};
        const resolvedComponentVersions = input.componentCandidates.map((c) => {
          const v = components.resolve(c.componentName, c.componentVersion, attributes);
          return {
            arn: v.arn,
            componentName: v.componentName,
            componentVersion: v.componentVersion,
            recipe: Buffer.from(recipeText(v, 'JSON')).toString('base64'),
            vendorGuidance: 'ACTIVE',
            message: '',
          };
        });
        return { json: { resolvedComponentVersions } };
      },
    },
  ];
}
