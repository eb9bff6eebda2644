import { invalidRequest } from './errors.js';

export const EVENT_TYPES = [
  'THING',
  'THING_GROUP',
  'THING_TYPE',
  'THING_GROUP_MEMBERSHIP',
  'THING_GROUP_HIERARCHY',
  'THING_TYPE_ASSOCIATION',
  'JOB',
  'JOB_EXECUTION',
  'POLICY',
  'CERTIFICATE',
  'CA_CERTIFICATE',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type EventConfigurationMap = Partial<Record<EventType, { Enabled: boolean }>>;

/** UpdateEventConfigurations / DescribeEventConfigurations. Every event type is off by default. */
export class EventConfigurations {
  private readonly enabled = new Set<EventType>();
  private lastModifiedDate: number;

  constructor(private readonly now: () => number) {
    this.lastModifiedDate = now();
  }

  update(configurations: Record<string, { Enabled?: boolean } | undefined>): void {
    for (const [type, value] of Object.entries(configurations)) {
      if (!(EVENT_TYPES as readonly string[]).includes(type)) throw invalidRequest(`Invalid eventConfigurations key: ${type}`);
      if (value?.Enabled === undefined) continue;
      if (value.Enabled) this.enabled.add(type as EventType);
      else this.enabled.delete(type as EventType);
    }
    this.lastModifiedDate = this.now();
  }

  describe(): { eventConfigurations: EventConfigurationMap; lastModifiedDate: number } {
    const eventConfigurations = Object.fromEntries(EVENT_TYPES.map((t) => [t, { Enabled: this.enabled.has(t) }]));
    return { eventConfigurations, lastModifiedDate: this.lastModifiedDate };
  }

  isEnabled(type: EventType): boolean {
    return this.enabled.has(type);
  }
}
