import { describe, expect, it } from 'vitest';
import { references, resolve, TemplateError, type ResolveContext } from './intrinsics.js';

const ctx: ResolveContext = {
  ref: (name) =>
    ({
      'AWS::Region': 'eu-west-1',
      'AWS::AccountId': '123456789012',
      'AWS::Partition': 'aws',
      Topic: 'arn:aws:sns:eu-west-1:123456789012:T',
    })[name] ?? `ref:${name}`,
  getAtt: (id, attribute) => `${id}.${attribute}`,
  condition: (name) => name === 'IsPca',
};

describe('CloudFormation intrinsics', () => {
  it('resolves Ref, Fn::GetAtt, Fn::Join and Fn::Sub as CDK writes them', () => {
    expect(
      resolve(
        {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iot:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':cert/*']],
        },
        ctx,
      ),
    ).toBe('arn:aws:iot:eu-west-1:123456789012:cert/*');
    expect(resolve({ 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, ctx)).toBe(
      'cdk-hnb659fds-assets-123456789012-eu-west-1',
    );
    expect(resolve({ 'Fn::Sub': ['${Fn.Arn}:${X}:${!Literal}', { X: { Ref: 'Topic' } }] }, ctx)).toBe(
      'Fn.Arn:arn:aws:sns:eu-west-1:123456789012:T:${Literal}',
    );
    expect(resolve({ 'Fn::GetAtt': ['Role', 'Arn'] }, ctx)).toBe('Role.Arn');
    expect(resolve({ 'Fn::GetAtt': 'Role.Arn' }, ctx)).toBe('Role.Arn');
  });

  it('selects, splits, and takes the branch a condition picks; AWS::NoValue removes the property', () => {
    expect(resolve({ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, ctx)).toBe('b');
    expect(resolve({ A: { 'Fn::If': ['IsPca', 'pca', 'iot'] }, B: { 'Fn::If': ['Other', 'x', { Ref: 'AWS::NoValue' }] } }, ctx)).toEqual({
      A: 'pca',
    });
    expect(resolve({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }, ctx)).toBe(true);
    expect(resolve({ 'Fn::And': [{ 'Fn::Not': [{ Condition: 'Other' }] }, { Condition: 'IsPca' }] }, ctx)).toBe(true);
  });

  it('refuses a function it does not know, by name', () => {
    expect(() => resolve({ 'Fn::ImportValue': 'SharedValue' }, ctx)).toThrow(
      new TemplateError("Fn::ImportValue is not supported by the stand-in's CloudFormation"),
    );
  });

  it('finds the resources a value depends on', () => {
    const value = {
      Role: { 'Fn::GetAtt': ['FunctionRole', 'Arn'] },
      Env: { SNS: { Ref: 'Topic' }, Region: { Ref: 'AWS::Region' } },
      Name: { 'Fn::Sub': ['${Bucket}-${Queue.Arn}-${AWS::Region}-${!Not}', { Extra: { Ref: 'Key' } }] },
    };
    expect([...references(value)].sort()).toEqual(['Bucket', 'FunctionRole', 'Key', 'Queue', 'Topic']);
  });
});
