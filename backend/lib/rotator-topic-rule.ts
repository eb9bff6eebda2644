import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RULE_SQL_VERSION } from '../../shared/contract/index.js';

/** Properties of {@link RotatorTopicRule}. */
export interface RotatorTopicRuleProps {
  readonly ruleName: string;
  readonly sql: string;
  readonly target: IFunction;
}

/** An IoT topic rule that invokes one function, which only this rule of this account may invoke. */
export class RotatorTopicRule extends Construct {
  public readonly rule: iot.CfnTopicRule;

  constructor(scope: Construct, id: string, props: RotatorTopicRuleProps) {
    super(scope, id);

    this.rule = new iot.CfnTopicRule(this, 'Resource', {
      ruleName: props.ruleName,
      topicRulePayload: {
        description: `AWS Labs Certificate Rotator: ${props.ruleName}`,
        sql: props.sql,
        awsIotSqlVersion: RULE_SQL_VERSION,
        ruleDisabled: false,
        actions: [{ lambda: { functionArn: props.target.functionArn } }],
      },
    });

    props.target.addPermission(`${id}Invoke`, {
      principal: new iam.ServicePrincipal('iot.amazonaws.com'),
      sourceArn: this.rule.attrArn,
      sourceAccount: Stack.of(this).account,
    });
  }
}
