import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** Where the scheduler may act: its groups, the job template, its own jobs, the notification topic. */
export interface SchedulerScope {
  readonly scope: Construct;
  readonly thingGroups: readonly string[];
  readonly jobTemplateArn: string;
  /** The scheduler names its jobs `<jobIdPrefix>-...`. */
  readonly jobIdPrefix: string;
  readonly notificationTopicArn: string;
  /** Device Defender findings: certificates to things, and things to their groups. */
  readonly deviceDefender: boolean;
}

const iotArn = (scope: Construct, resource: string, resourceName: string): string =>
  Stack.of(scope).formatArn({ service: 'iot', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });

const allow = (actions: string[], resources: string[]) => new iam.PolicyStatement({ actions, resources });

/**
 * Exactly the calls the scheduler makes (backend/test/cdk checks them against its code): it reads
 * its groups' members, their certificates and job executions, the jobs in progress, and creates
 * jobs from the template, named with its prefix, for any thing.
 */
export function rotationSchedulerStatements(s: SchedulerScope): iam.PolicyStatement[] {
  const { scope } = s;
  const statements = [
    allow(
      ['iot:ListThingsInThingGroup'],
      s.thingGroups.map((g) => iotArn(scope, 'thinggroup', g)),
    ),
    allow(['iot:ListThingPrincipalsV2', 'iot:ListJobs'], ['*']),
    allow(['iot:DescribeCertificate'], [iotArn(scope, 'cert', '*')]),
    allow(['iot:ListJobExecutionsForThing'], [iotArn(scope, 'thing', '*')]),
    allow(['iot:DescribeJob', 'iot:GetJobDocument'], [iotArn(scope, 'job', '*')]),
    // CreateJob is authorised on the new job, its template and each target thing.
    allow(['iot:CreateJob'], [iotArn(scope, 'job', `${s.jobIdPrefix}-*`), s.jobTemplateArn, iotArn(scope, 'thing', '*')]),
    allow(['sns:Publish'], [s.notificationTopicArn]),
  ];
  if (s.deviceDefender) {
    statements.push(
      allow(['iot:ListPrincipalThingsV2'], ['*']),
      allow(['iot:ListThingGroupsForThing'], [iotArn(scope, 'thing', '*')]),
      allow(['iot:DescribeThingGroup'], [iotArn(scope, 'thinggroup', '*')]),
    );
  }
  return statements;
}
