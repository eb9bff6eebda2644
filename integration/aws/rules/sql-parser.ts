import type { Expr, Projection, SelectStatement } from './sql-ast.js';

export class SqlParseError extends Error {}

type Token =
  { type: 'word'; text: string } | { type: 'string'; text: string } | { type: 'number'; value: number } | { type: 'punct'; text: string };

const PUNCT = ['<=', '>=', '<>', '!=', '=', '<', '>', '(', ')', ',', '.', '*'];

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) throw new SqlParseError(`Unterminated string at ${i}`);
      tokens.push({ type: 'string', text: sql.slice(i + 1, end) });
      i = end + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(sql.charAt(i + 1)))) {
      const match = /^-?\d+(\.\d+)?/.exec(sql.slice(i));
      tokens.push({ type: 'number', value: Number(match?.[0]) });
      i += match?.[0].length ?? 1;
    } else if (/[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z_$][\w$]*/.exec(sql.slice(i));
      tokens.push({ type: 'word', text: match?.[0] ?? c });
      i += match?.[0].length ?? 1;
    } else {
      const punct = PUNCT.find((p) => sql.startsWith(p, i));
      if (!punct) throw new SqlParseError(`Unexpected character "${c}" at ${i}`);
      tokens.push({ type: 'punct', text: punct === '!=' ? '<>' : punct });
      i += punct.length;
    }
  }
  return tokens;
}

/** Parses `SELECT <projections> FROM '<topic filter>' [WHERE <condition>]`. */
export function parseSql(sql: string): SelectStatement {
  const tokens = tokenize(sql);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (word: string, t = peek()): boolean => t?.type === 'word' && t.text.toUpperCase() === word;
  const isPunct = (text: string, t = peek()): boolean => t?.type === 'punct' && t.text === text;
  const expectPunct = (text: string): void => {
    if (!isPunct(text)) throw new SqlParseError(`Expected "${text}" at token ${pos}`);
    pos += 1;
  };
  const expectWord = (word: string): void => {
    if (!isWord(word)) throw new SqlParseError(`Expected ${word} at token ${pos}`);
    pos += 1;
  };

  const primary = (): Expr => {
    const t = peek();
    if (!t) throw new SqlParseError('Unexpected end of SQL');
    pos += 1;
    if (t.type === 'string') return { kind: 'literal', value: t.text };
    if (t.type === 'number') return { kind: 'literal', value: t.value };
    if (t.type === 'punct' && t.text === '(') {
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    if (t.type !== 'word') throw new SqlParseError(`Unexpected "${t.text}"`);
    const upper = t.text.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'literal', value: upper === 'TRUE' };
    if (upper === 'NULL') return { kind: 'literal', value: null };
    if (isPunct('(')) {
      pos += 1;
      const args: Expr[] = [];
      while (!isPunct(')')) {
        args.push(orExpr());
        if (!isPunct(')')) expectPunct(',');
      }
      pos += 1;
      return { kind: 'call', name: t.text.toLowerCase(), args };
    }
    const segments = [t.text];
    while (isPunct('.')) {
      pos += 1;
      const next = peek();
      if (next?.type !== 'word') throw new SqlParseError('Expected a field name after "."');
      segments.push(next.text);
      pos += 1;
    }
    return { kind: 'path', segments };
  };
  const comparison = (): Expr => {
    const left = primary();
    const t = peek();
    if (t?.type === 'punct' && ['=', '<>', '<', '<=', '>', '>='].includes(t.text)) {
      pos += 1;
      return { kind: 'binary', op: t.text as '=', left, right: primary() };
    }
    return left;
  };
  const notExpr = (): Expr => {
    if (isWord('NOT')) {
      pos += 1;
      return { kind: 'not', operand: notExpr() };
    }
    return comparison();
  };
  const andExpr = (): Expr => {
    let left = notExpr();
    while (isWord('AND')) {
      pos += 1;
      left = { kind: 'binary', op: 'AND', left, right: notExpr() };
    }
    return left;
  };
  function orExpr(): Expr {
    let left = andExpr();
    while (isWord('OR')) {
      pos += 1;
      left = { kind: 'binary', op: 'OR', left, right: andExpr() };
    }
    return left;
  }

  expectWord('SELECT');
  const projections: Projection[] = [];
  for (;;) {
    if (isPunct('*')) {
      pos += 1;
      projections.push({ kind: 'star' });
    } else {
      const expr = orExpr();
      let alias: string | undefined;
      if (isWord('AS')) {
        pos += 1;
        const name = peek();
        if (name?.type !== 'word') throw new SqlParseError('Expected an alias after AS');
        alias = name.text;
        pos += 1;
      }
      projections.push({ kind: 'expr', expr, ...(alias === undefined ? {} : { alias }) });
    }
    if (!isPunct(',')) break;
    pos += 1;
  }
  expectWord('FROM');
  const from = peek();
  if (from?.type !== 'string') throw new SqlParseError('Expected a quoted topic filter after FROM');
  pos += 1;
  let where: Expr | undefined;
  if (isWord('WHERE')) {
    pos += 1;
    where = orExpr();
  }
  if (pos !== tokens.length) throw new SqlParseError(`Unexpected text after token ${pos}`);
  return { projections, from: from.text, ...(where ? { where } : {}) };
}
