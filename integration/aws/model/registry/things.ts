import { randomUUID } from 'node:crypto';
import { type AccountContext, thingArn, thingGroupArn } from '../arn.js';
import { AwsError, invalidRequest, notFound } from '../errors.js';
import { Listeners } from '../listeners.js';

export interface Thing {
  thingName: string;
  thingArn: string;
  thingId: string;
  attributes: Record<string, string>;
  version: number;
}

export interface ThingGroup {
  thingGroupName: string;
  thingGroupArn: string;
  thingGroupId: string;
  description?: string;
  creationDate: number;
  version: number;
}

const NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

/** Things, thing groups and group membership (static groups only). */
export class ThingStore {
  private readonly things = new Map<string, Thing>();
  private readonly groups = new Map<string, ThingGroup>();
  /** group name -> member thing names, in the order they joined */
  private readonly members = new Map<string, Set<string>>();
  /** A thing joined a group (continuous jobs targeting the group reach it). */
  readonly joined = new Listeners<{ thingGroupName: string; thingName: string }>();

  constructor(
    private readonly ctx: AccountContext,
    private readonly now: () => number,
  ) {}

  /** Idempotent for an identical thing, as AWS is; a different one of the same name conflicts. */
  createThing(thingName: string, attributes: Record<string, string> = {}): Thing {
    if (!NAME.test(thingName)) throw invalidRequest(`Invalid thingName: ${thingName}`);
    const existing = this.things.get(thingName);
    if (existing) {
      if (JSON.stringify(existing.attributes) === JSON.stringify(attributes)) return { ...existing };
      throw new AwsError('ResourceAlreadyExistsException', `Thing ${thingName} already exists with different attributes`);
    }
    const thing: Thing = {
      thingName,
      thingArn: thingArn(this.ctx, thingName),
      thingId: randomUUID(),
      attributes: { ...attributes },
      version: 1,
    };
    this.things.set(thingName, thing);
    return { ...thing };
  }

  describeThing(thingName: string): Thing {
    const thing = this.things.get(thingName);
    if (!thing) throw notFound(`Thing ${thingName} cannot be found.`);
    return { ...thing, attributes: { ...thing.attributes } };
  }

  hasThing(thingName: string): boolean {
    return this.things.has(thingName);
  }

  listThings(): Thing[] {
    return [...this.things.keys()].map((name) => this.describeThing(name));
  }

  /** AWS answers success for a thing that does not exist. The caller checks principals first. */
  deleteThing(thingName: string): void {
    this.things.delete(thingName);
    for (const set of this.members.values()) set.delete(thingName);
  }

  createThingGroup(thingGroupName: string, description?: string): ThingGroup {
    if (!NAME.test(thingGroupName)) throw invalidRequest(`Invalid thingGroupName: ${thingGroupName}`);
    const existing = this.groups.get(thingGroupName);
    if (existing) return { ...existing };
    const group: ThingGroup = {
      thingGroupName,
      thingGroupArn: thingGroupArn(this.ctx, thingGroupName),
      thingGroupId: randomUUID(),
      ...(description === undefined ? {} : { description }),
      creationDate: this.now(),
      version: 1,
    };
    this.groups.set(thingGroupName, group);
    this.members.set(thingGroupName, new Set());
    return { ...group };
  }

  describeThingGroup(thingGroupName: string): ThingGroup {
    const group = this.groups.get(thingGroupName);
    if (!group) throw notFound(`ThingGroup ${thingGroupName} cannot be found.`);
    return { ...group };
  }

  listThingGroups(): ThingGroup[] {
    return [...this.groups.values()].map((g) => ({ ...g }));
  }

  deleteThingGroup(thingGroupName: string): void {
    this.groups.delete(thingGroupName);
    this.members.delete(thingGroupName);
  }

  addThingToThingGroup(thingGroupName: string, thingName: string): void {
    this.describeThing(thingName);
    this.describeThingGroup(thingGroupName);
    const members = this.members.get(thingGroupName);
    if (!members || members.has(thingName)) return;
    members.add(thingName);
    this.joined.emit({ thingGroupName, thingName });
  }

  removeThingFromThingGroup(thingGroupName: string, thingName: string): void {
    this.describeThingGroup(thingGroupName);
    this.members.get(thingGroupName)?.delete(thingName);
  }

  listThingsInThingGroup(thingGroupName: string): string[] {
    this.describeThingGroup(thingGroupName);
    return [...(this.members.get(thingGroupName) ?? [])];
  }

  listThingGroupsForThing(thingName: string): ThingGroup[] {
    this.describeThing(thingName);
    return [...this.members.entries()].filter(([, set]) => set.has(thingName)).map(([name]) => this.describeThingGroup(name));
  }
}
