import { z } from 'zod';
import { type AccountContext, jobTemplateArn, parseIotArn } from '../arn.js';
import { AwsError, invalidRequest, notFound } from '../errors.js';
import { createJobTemplateSchema, parseRequest } from './schemas.js';
import type { JobTemplate } from './types.js';

export type CreateJobTemplateRequest = z.input<typeof createJobTemplateSchema>;

/** Job templates (CreateJobTemplate and friends). */
export class JobTemplateStore {
  private readonly templates = new Map<string, JobTemplate>();

  constructor(
    private readonly ctx: AccountContext,
    private readonly now: () => number,
  ) {}

  createJobTemplate(request: CreateJobTemplateRequest): { jobTemplateId: string; jobTemplateArn: string } {
    const { jobArn: _fromJob, document, ...settings } = parseRequest(createJobTemplateSchema, request);
    if (document === undefined) throw invalidRequest('Invalid document: a document is required');
    if (this.templates.has(settings.jobTemplateId)) {
      throw new AwsError('ConflictException', `Job template ${settings.jobTemplateId} already exists`);
    }
    const template: JobTemplate = {
      ...settings,
      jobTemplateArn: jobTemplateArn(this.ctx, settings.jobTemplateId),
      document,
      createdAt: this.now(),
    };
    this.templates.set(template.jobTemplateId, template);
    return { jobTemplateId: template.jobTemplateId, jobTemplateArn: template.jobTemplateArn };
  }

  describeJobTemplate(jobTemplateId: string): JobTemplate {
    const template = this.templates.get(jobTemplateId);
    if (!template) throw notFound(`Job template ${jobTemplateId} not found`);
    return structuredClone(template);
  }

  byArn(arn: string): JobTemplate {
    const id = parseIotArn(this.ctx, arn, 'jobtemplate');
    if (id === undefined) throw invalidRequest(`Invalid jobTemplateArn: ${arn}`);
    return this.describeJobTemplate(id);
  }

  listJobTemplates(): JobTemplate[] {
    return [...this.templates.keys()].map((id) => this.describeJobTemplate(id));
  }

  deleteJobTemplate(jobTemplateId: string): void {
    this.describeJobTemplate(jobTemplateId);
    this.templates.delete(jobTemplateId);
  }
}
