/** The AWS IoT SQL subset (version 2016-03-23) the rotator's rules use, as a syntax tree. */
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'path'; segments: string[] }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'not'; operand: Expr }
  | { kind: 'binary'; op: 'AND' | 'OR' | '=' | '<>' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr };

export type Projection = { kind: 'star' } | { kind: 'expr'; expr: Expr; alias?: string };

export interface SelectStatement {
  projections: Projection[];
  /** The topic filter between the quotes of FROM. */
  from: string;
  where?: Expr;
}
