import { z } from 'zod';
import { EVENT_TYPES, type EventConfigurations } from '../../model/event-configurations.js';
import { jsonBody, queryObject, type RestRoute } from '../protocols/rest-json.js';
import { epochSeconds, parseInput } from '../validate.js';

const ENDPOINT_TYPES = ['iot:Data', 'iot:Data-ATS', 'iot:CredentialProvider', 'iot:Jobs'] as const;

const UpdateEvents = z.object({
  eventConfigurations: z.partialRecord(z.enum(EVENT_TYPES), z.object({ Enabled: z.boolean().optional() })).optional(),
});

/**
 * Account-level AWS IoT operations. DescribeEndpoint answers, for every endpoint type, this
 * server's address in AWS's form (a host, here with its port, no scheme): the data plane and the
 * Jobs data plane are served here too, and callers build `https://<address>` from it as they do
 * with AWS's `<prefix>-ats.iot.<region>.amazonaws.com`.
 */
export function accountRoutes(events: EventConfigurations, self: { address(): string }): RestRoute[] {
  return [
    {
      operation: 'DescribeEndpoint',
      method: 'GET',
      path: '/endpoint',
      handle: (req) => {
        parseInput(z.object({ endpointType: z.enum(ENDPOINT_TYPES).optional() }), queryObject(req));
        return { json: { endpointAddress: self.address() } };
      },
    },
    {
      operation: 'UpdateEventConfigurations',
      method: 'PATCH',
      path: '/event-configurations',
      handle: (req) => {
        events.update(parseInput(UpdateEvents, jsonBody(req)).eventConfigurations ?? {});
        return { json: {} };
      },
    },
    {
      operation: 'DescribeEventConfigurations',
      method: 'GET',
      path: '/event-configurations',
      handle: () => {
        const { eventConfigurations, lastModifiedDate } = events.describe();
        return { json: { eventConfigurations, lastModifiedDate: epochSeconds(lastModifiedDate) } };
      },
    },
  ];
}
