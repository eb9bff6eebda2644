import { z } from 'zod';
import { invalidRequest } from '../../model/errors.js';
import type { ShadowStore } from '../../model/shadows.js';
import type { PublishToBroker } from '../model-port.js';
import { queryObject, type RestRequest, type RestRoute } from '../protocols/rest-json.js';
import { parseInput, queryBool } from '../validate.js';

const Shadow = z.object({
  thingName: z.string().min(1).max(128),
  name: z
    .string()
    .regex(/^[a-zA-Z0-9:_-]{1,64}$/, 'expected 1-64 letters, digits, :, _ or -')
    .optional(),
});
const Publish = z.object({
  topic: z
    .string()
    .min(1)
    .refine((t) => !t.includes('+') && !t.includes('#'), 'a publish topic cannot contain wildcards'),
  qos: z.enum(['0', '1']).transform(Number).optional(),
  retain: queryBool.optional(),
});

/** The request document of UpdateThingShadow; its content is the shadow model's to judge. */
function shadowUpdate(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw invalidRequest('Payload contains invalid json');
  }
}

const shadowInput = (req: RestRequest) => parseInput(Shadow, { ...queryObject(req), ...req.labels });

/** AWS IoT data plane: device shadows (classic and named, `?name=`) and Publish into the broker. */
export function dataPlaneRoutes(shadows: ShadowStore, publish: PublishToBroker): RestRoute[] {
  return [
    {
      operation: 'GetThingShadow',
      method: 'GET',
      path: '/things/{thingName}/shadow',
      handle: async (req) => {
        const input = shadowInput(req);
        return { payload: JSON.stringify(shadows.getThingShadow(input.thingName, input.name ?? '')) };
      },
    },
    {
      operation: 'UpdateThingShadow',
      method: 'POST',
      path: '/things/{thingName}/shadow',
      handle: async (req) => {
        const input = shadowInput(req);
        return { payload: JSON.stringify(shadows.updateThingShadow(input.thingName, input.name ?? '', shadowUpdate(req.body))) };
      },
    },
    {
      operation: 'DeleteThingShadow',
      method: 'DELETE',
      path: '/things/{thingName}/shadow',
      handle: async (req) => {
        const input = shadowInput(req);
        return { payload: JSON.stringify(shadows.deleteThingShadow(input.thingName, input.name ?? '')) };
      },
    },
    {
      operation: 'Publish',
      method: 'POST',
      path: '/topics/{topic}',
      handle: async (req) => {
        const input = parseInput(Publish, { ...queryObject(req), ...req.labels });
        await publish(input.topic, req.body, input.qos === 1 ? 1 : 0);
        return undefined;
      },
    },
  ];
}
