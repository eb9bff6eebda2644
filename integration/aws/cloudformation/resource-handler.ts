import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../shared/logging/logger.js';
import type { LambdaService } from '../lambda/lambda-service.js';
import type { AwsModel } from '../model/aws-model.js';
import type { RulesEngine } from '../rules/rules-engine.js';

/** The services a stack's resources are created in. */
export interface StackTarget {
  model: AwsModel;
  rules: RulesEngine;
  lambda: LambdaService;
  logger: Logger;
  /** The unpacked deployment package at an S3 location (the CDK assets bucket). */
  code(bucket: string, key: string): string;
}

export interface ResourceContext {
  target: StackTarget;
  stackName: string;
  stackId: string;
  logicalId: string;
  /** The resource's type as the template names it (`Custom::...` for custom resources). */
  type: string;
  /** Deployed resources of the stack so far, by logical id. */
  resources: ReadonlyMap<string, DeployedResource>;
}

export interface DeployedResource {
  type: string;
  physicalId: string;
  attributes: Record<string, unknown>;
  properties: Record<string, unknown>;
  /** Undoes what create did, for a stack deletion or replacement. */
  remove?: () => Promise<void> | void;
}

export type Created = Omit<DeployedResource, 'type' | 'properties'>;

/** How one resource type is created, and updated in place where the stand-in can. */
export interface ResourceHandler {
  create(properties: Record<string, unknown>, ctx: ResourceContext): Promise<Created> | Created;
  /** Absent: a changed resource of this type cannot be updated (the stack update fails, naming it). */
  update?(current: DeployedResource, properties: Record<string, unknown>, ctx: ResourceContext): Promise<Created> | Created;
}

/** A name as CloudFormation generates one when the template gives none: `<stack>-<logicalId>-<RANDOM>`. */
export function generatedName(ctx: ResourceContext, maxLength = 64): string {
  const suffix = randomBytes(6).toString('hex').toUpperCase();
  const head = `${ctx.stackName}-${ctx.logicalId}`.slice(0, maxLength - suffix.length - 1);
  return `${head}-${suffix}`;
}

/** Property readers that name the resource and property when the template is wrong. */
export function stringProp(props: Record<string, unknown>, name: string, ctx: ResourceContext): string {
  const value = props[name];
  if (typeof value !== 'string' || value === '') throw new Error(`${ctx.logicalId}: property ${name} must be a non-empty string`);
  return value;
}

export function optionalString(props: Record<string, unknown>, name: string): string | undefined {
  const value = props[name];
  return typeof value === 'string' ? value : undefined;
}

export function optionalNumber(props: Record<string, unknown>, name: string): number | undefined {
  const value = props[name];
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new Error(`property ${name} must be a number, got ${JSON.stringify(value)}`);
  return number;
}

export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
