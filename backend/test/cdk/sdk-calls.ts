import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Which AWS SDK commands the Lambda code can send, found statically: starting from a declaration
 * (a handler's `handler` export), it follows every reference into backend/src, one top-level
 * declaration at a time, and records each `new XxxCommand(...)` of an `@aws-sdk/client-*` package
 * and the command of each SDK waiter it calls.
 * Following declarations rather than whole modules keeps a helper that one handler never calls (say
 * `readShadow` in create-certificate) from counting against that handler.
 */

const SRC_DIR = fileURLToPath(new URL('../../src/', import.meta.url));

/** IAM service prefix of each SDK client package the handlers use. */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  '@aws-sdk/client-iot': 'iot',
  '@aws-sdk/client-iot-data-plane': 'iot',
  '@aws-sdk/client-iot-jobs-data-plane': 'iotjobsdata',
  '@aws-sdk/client-acm-pca': 'acm-pca',
  '@aws-sdk/client-sns': 'sns',
};

/** The command each SDK waiter the handlers call sends (waiters poll one operation). */
const WAITER_COMMANDS: Readonly<Record<string, string>> = {
  waitUntilCertificateIssued: 'GetCertificateCommand',
};

/** `iot:AttachPolicy` for `AttachPolicyCommand` of @aws-sdk/client-iot; these APIs name their actions after the operation. */
export function iamActionOf(sdkPackage: string, commandName: string): string {
  const prefix = IAM_PREFIX[sdkPackage];
  if (prefix === undefined) throw new Error(`No IAM service prefix known for ${sdkPackage} (${commandName}); add it to IAM_PREFIX`);
  return `${prefix}:${commandName.replace(/Command$/, '')}`;
}

/** Absolute path of a file under backend/src. */
export function sourcePath(relativeToSrc: string): string {
  return join(SRC_DIR, relativeToSrc);
}

export class SdkCallGraph {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;

  constructor(entryFiles: readonly string[]) {
    this.program = ts.createProgram(entryFiles, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
    });
    this.checker = this.program.getTypeChecker();
  }

  /** The top-level declaration named `name` in a source file. */
  declaration(file: string, name: string): ts.Statement {
    const source = this.program.getSourceFile(file);
    if (source === undefined) throw new Error(`${file} is not part of the program`);
    const found = source.statements.find((statement) => declaredNames(statement).includes(name));
    if (found === undefined) throw new Error(`${file} declares no top-level ${name}`);
    return found;
  }

  /**
   * IAM actions of the SDK commands reachable from `roots`, without entering the declarations in
   * `stopAt` (to tell apart what only one configuration reaches).
   */
  actionsReachableFrom(roots: readonly ts.Node[], stopAt: readonly ts.Node[] = []): Set<string> {
    const stops = new Set(stopAt);
    const seen = new Set<ts.Node>();
    const queue = [...roots];
    const actions = new Set<string>();
    const visit = (node: ts.Node): void => {
      // Imports only bind names; what counts is where the names are used.
      if (ts.isImportDeclaration(node)) return;
      if (ts.isIdentifier(node)) this.follow(node, queue, actions, stops);
      ts.forEachChild(node, visit);
    };
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      visit(next);
    }
    return actions;
  }

  private follow(id: ts.Identifier, queue: ts.Node[], actions: Set<string>, stops: Set<ts.Node>): void {
    let symbol = this.checker.getSymbolAtLocation(id);
    if (symbol === undefined) return;
    if ((symbol.flags & ts.SymbolFlags.Alias) !== 0) symbol = this.checker.getAliasedSymbol(symbol);
    for (const declaration of symbol.declarations ?? []) {
      const file = declaration.getSourceFile().fileName;
      if (file.startsWith(SRC_DIR) && !file.endsWith('.d.ts')) {
        const top = topLevelOf(declaration);
        if (!stops.has(top)) queue.push(top);
        continue;
      }
      const sdkPackage = /node_modules\/(@aws-sdk\/client-[^/]+)\//.exec(file)?.[1];
      const constructed = ts.isNewExpression(id.parent) && id.parent.expression === id;
      if (sdkPackage !== undefined && constructed && symbol.name.endsWith('Command')) {
        actions.add(iamActionOf(sdkPackage, symbol.name));
      }
      const called = ts.isCallExpression(id.parent) && id.parent.expression === id;
      if (sdkPackage !== undefined && called && /^wait(Until|For)[A-Z]/.test(symbol.name)) {
        const command = WAITER_COMMANDS[symbol.name];
        if (command === undefined) throw new Error(`No command known for the SDK waiter ${symbol.name}; add it to WAITER_COMMANDS`);
        actions.add(iamActionOf(sdkPackage, command));
      }
    }
  }
}

function topLevelOf(node: ts.Node): ts.Node {
  let current = node;
  while (!ts.isSourceFile(current.parent)) current = current.parent;
  return current;
}

function declaredNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  }
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name !== undefined) {
    return [statement.name.text];
  }
  return [];
}
