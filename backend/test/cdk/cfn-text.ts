/**
 * Renders a CloudFormation value as text, so policies read as they would in a console:
 * `{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},...]]}` becomes `arn:${AWS::Partition}:...`.
 * Shared by the backend's and the pipeline's template tests.
 */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if ('Ref' in v) return `\${${String(v['Ref'])}}`;
    if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(text).join(sep);
    }
  }
  return JSON.stringify(value);
}
