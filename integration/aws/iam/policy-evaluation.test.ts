import { describe, expect, it } from 'vitest';
import { parsePolicyDocument } from './policy-document.js';
import { evaluate, UnsupportedConditionError, type RequestContext } from './policy-evaluation.js';

const IOT = 'arn:aws:iot:us-east-1:123456789012';
const keys = new Map([
  ['aws:securetransport', 'true'],
  ['aws:userid', 'AROAEXAMPLE:MyFunction'],
  ['aws:principalarn', 'arn:aws:iam::123456789012:role/MyRole'],
]);
const request = (action: string, resource: string, extra: Partial<RequestContext> = {}): RequestContext => ({
  action,
  resource,
  keys,
  ...extra,
});
const policy = (...statements: object[]) => parsePolicyDocument({ Version: '2012-10-17', Statement: statements }, 'test');

describe('IAM policy evaluation', () => {
  const rotator = policy(
    { Effect: 'Allow', Action: ['iot:DescribeEndpoint', 'iot:ListThingPrincipalsV2'], Resource: '*' },
    { Effect: 'Allow', Action: ['iot:UpdateCertificate', 'iot:DeleteCertificate'], Resource: `${IOT}:cert/*` },
    { Effect: 'Allow', Action: 'iot:UpdateThingShadow', Resource: `${IOT}:thing/*/AWSLabsCertificateRotator` },
    { Effect: 'Allow', Action: 'iot:Get*', Resource: `${IOT}:thing/core-?` },
  );

  it('allows what a statement names, on the resources it names, wildcards included', () => {
    expect(evaluate(rotator, request('iot:DescribeEndpoint', '*'))).toBe('Allow');
    expect(evaluate(rotator, request('iot:UpdateCertificate', `${IOT}:cert/abc123`))).toBe('Allow');
    expect(evaluate(rotator, request('iot:UpdateThingShadow', `${IOT}:thing/core-1/AWSLabsCertificateRotator`))).toBe('Allow');
    expect(evaluate(rotator, request('iot:GetThingShadow', `${IOT}:thing/core-7`))).toBe('Allow');
  });

  it('denies by default what no statement allows', () => {
    expect(evaluate(rotator, request('iot:CreateCertificateFromCsr', '*'))).toBe('ImplicitDeny');
    expect(evaluate(rotator, request('iot:UpdateThingShadow', `${IOT}:thing/core-1/OtherShadow`))).toBe('ImplicitDeny');
    expect(evaluate(rotator, request('iot:UpdateThingShadow', `${IOT}:thing/core-1`))).toBe('ImplicitDeny');
    expect(evaluate(rotator, request('iot:GetThingShadow', `${IOT}:thing/core-10`))).toBe('ImplicitDeny');
    expect(evaluate([], request('iot:DescribeEndpoint', '*'))).toBe('ImplicitDeny');
  });

  it('matches actions without regard to case, and resources with it', () => {
    expect(evaluate(rotator, request('IOT:describeendpoint', '*'))).toBe('Allow');
    expect(evaluate(rotator, request('iot:UpdateCertificate', `${IOT}:CERT/abc123`))).toBe('ImplicitDeny');
  });

  it('lets an explicit Deny win over any Allow', () => {
    const statements = [...rotator, ...policy({ Effect: 'Deny', Action: 'iot:DeleteCertificate', Resource: `${IOT}:cert/protected*` })];
    expect(evaluate(statements, request('iot:DeleteCertificate', `${IOT}:cert/protected-1`))).toBe('ExplicitDeny');
    expect(evaluate(statements, request('iot:DeleteCertificate', `${IOT}:cert/other`))).toBe('Allow');
  });

  it('reads NotAction and NotResource as everything but', () => {
    const statements = policy(
      { Effect: 'Allow', NotAction: 'iot:Delete*', Resource: '*' },
      { Effect: 'Deny', Action: 'iot:*', NotResource: `${IOT}:thing/*` },
    );
    expect(evaluate(statements, request('iot:DescribeThing', `${IOT}:thing/a`))).toBe('Allow');
    expect(evaluate(statements, request('iot:DeleteThing', `${IOT}:thing/a`))).toBe('ImplicitDeny');
    expect(evaluate(statements, request('iot:DescribeCertificate', `${IOT}:cert/a`))).toBe('ExplicitDeny');
  });

  it('resolves policy variables in resources, literal escapes and defaults included', () => {
    const statements = policy(
      { Effect: 'Allow', Action: 'iot:Publish', Resource: `${IOT}:topic/sessions/\${aws:userid}` },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: `${IOT}:topic/literal/\${*}` },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: `${IOT}:topic/user/\${aws:username, 'nobody'}` },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: `${IOT}:topic/user/\${aws:username}` },
    );
    expect(evaluate(statements, request('iot:Publish', `${IOT}:topic/sessions/AROAEXAMPLE:MyFunction`))).toBe('Allow');
    expect(evaluate(statements, request('iot:Publish', `${IOT}:topic/sessions/AROAOTHER:Fn`))).toBe('ImplicitDeny');
    expect(evaluate(statements, request('iot:Publish', `${IOT}:topic/literal/*`))).toBe('Allow');
    expect(evaluate(statements, request('iot:Publish', `${IOT}:topic/literal/anything`))).toBe('ImplicitDeny');
    expect(evaluate(statements, request('iot:Publish', `${IOT}:topic/user/nobody`))).toBe('Allow');
    // A variable without a value matches nothing, not even an empty string.
    expect(evaluate(statements, request('iot:Receive', `${IOT}:topic/user/`))).toBe('ImplicitDeny');
  });

  it('applies conditions on the request keys, IfExists and unknown operators included', () => {
    const sslOnly = policy(
      { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
      { Effect: 'Deny', Action: 'sns:Publish', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    );
    expect(evaluate(sslOnly, request('sns:Publish', 'arn:aws:sns:us-east-1:123456789012:t'))).toBe('Allow');
    const plain = new Map([...keys, ['aws:securetransport', 'false']]);
    expect(evaluate(sslOnly, request('sns:Publish', 'arn:aws:sns:us-east-1:123456789012:t', { keys: plain }))).toBe('ExplicitDeny');

    const byRole = policy({
      Effect: 'Allow',
      Action: 'iot:*',
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/My*' } },
    });
    expect(evaluate(byRole, request('iot:DescribeEndpoint', '*'))).toBe('Allow');
    const absent = policy({
      Effect: 'Allow',
      Action: 'iot:*',
      Resource: '*',
      Condition: { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } },
    });
    expect(evaluate(absent, request('iot:DescribeEndpoint', '*'))).toBe('Allow');
    const unknown = policy({
      Effect: 'Allow',
      Action: 'iot:*',
      Resource: '*',
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
    });
    expect(() => evaluate(unknown, request('iot:DescribeEndpoint', '*'))).toThrow(UnsupportedConditionError);
  });

  it('matches the principal of a resource policy', () => {
    const topicPolicy = policy(
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sns:Publish', Resource: '*' },
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:role/MyRole' }, Action: 'sns:Subscribe', Resource: '*' },
    );
    const principal = { arn: 'arn:aws:iam::123456789012:role/MyRole', account: '123456789012' };
    expect(evaluate(topicPolicy, request('sns:Publish', '*', { principal }))).toBe('ImplicitDeny');
    expect(evaluate(topicPolicy, request('sns:Subscribe', '*', { principal }))).toBe('Allow');
  });

  it('names what is wrong with a malformed document', () => {
    expect(() => parsePolicyDocument({ Statement: [{ Effect: 'Allow', Resource: '*' }] }, 'Role R')).toThrow(
      /Role R: malformed policy document.*Action and NotAction/s,
    );
    expect(() => parsePolicyDocument('{not json', 'Role R')).toThrow('Role R: the policy document is not JSON');
  });
});
