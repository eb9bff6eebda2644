/**
 * The lint step refuses imports across the boundaries of lint/import-boundaries.js: each case
 * lints one line of source as if it were a file of the tree, with the project's own ESLint config.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RULE = 'import-x/no-restricted-paths';

let eslint: ESLint;

/** The boundary rule's messages for `source` linted as the file at `file` (from the root). */
async function boundaryErrors(file: string, source: string): Promise<string[]> {
  // An import the resolver cannot find is skipped by the rule: make sure each one names a real file.
  for (const [, specifier] of source.matchAll(/'(\.[^']+)'/g)) {
    const target = path.resolve(ROOT, path.dirname(file), specifier ?? '').replace(/\.js$/, '.ts');
    if (!existsSync(target)) throw new Error(`${specifier} from ${file} names no file of the tree`);
  }
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath: path.join(ROOT, file) });
  if (!result) throw new Error(`ESLint returned no result for ${file}`);
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`ESLint could not parse ${file}: ${fatal.map((m) => m.message).join('; ')}`);
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

describe('import boundaries', () => {
  it('the component imports the shared contract and its own modules, nothing of the stand-in, backend or tools', async () => {
    expect(await boundaryErrors('component/src/fsm/x.ts', "import { JOB_DOCUMENT } from '../../../shared/contract/index.js';")).toEqual([]);
    expect(await boundaryErrors('component/src/fsm/x.ts', "import { transition } from './transition.js';")).toEqual([]);
    const [message] = await boundaryErrors(
      'component/src/fsm/x.ts',
      "import { startAwsStandIn } from '../../../integration/aws/index.js';",
    );
    expect(message).toContain('Code in component/src/ may import only component/src, shared');
    expect(await boundaryErrors('component/src/fsm/x.ts', "import type { Handler } from '../../../backend/src/index.js';")).toHaveLength(1);
    expect(await boundaryErrors('component/src/fsm/x.ts', "import { rotateMain } from '../../../tools/lib/rotate.js';")).toHaveLength(1);
  });

  it('the Lambda code imports the shared contract only; the construct may import the Lambda code', async () => {
    expect(
      await boundaryErrors(
        'backend/src/rotation/x.ts',
        "import { ROTATE_CERTIFICATE_OPERATION } from '../../../shared/contract/index.js';",
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors('backend/src/rotation/x.ts', "import { transition } from '../../../component/src/fsm/index.js';"),
    ).toHaveLength(1);
    expect(await boundaryErrors('backend/src/rotation/x.ts', "import '../../lib/certificate-rotator-stack.js';")).toHaveLength(1);
    expect(await boundaryErrors('backend/lib/x.ts', "import { PCA_SIGNING_ALGORITHMS } from '../src/index.js';")).toEqual([]);
  });

  it('code that runs outside tests never imports test support; tests do', async () => {
    const importSupport = "import { MemoryLogger } from '../../../shared/test/support/memory-logger.js';";
    const [message] = await boundaryErrors('component/src/runtime/x.ts', importSupport);
    expect(message).toContain('never imports test support');
    expect(await boundaryErrors('component/src/runtime/x.test.ts', importSupport)).toEqual([]);
    expect(await boundaryErrors('integration/aws/model/x.ts', "import '../../test/support/aws/http.js';")).toHaveLength(1);
  });

  it('the two sides of the stand-in do not import each other; local/ and the demo reach the AWS side through its facade', async () => {
    expect(
      await boundaryErrors('integration/aws/broker/x.ts', "import { greengrassRoot } from '../../device/greengrass-root.js';"),
    ).toHaveLength(1);
    expect(await boundaryErrors('integration/device/x.ts', "import { AwsModel } from '../aws/model/aws-model.js';")).toHaveLength(1);
    expect(await boundaryErrors('integration/local/x.ts', "import { startAwsStandIn } from '../aws/index.js';")).toEqual([]);
    const [message] = await boundaryErrors('integration/local/x.ts', "import { startAwsStandIn } from '../aws/stand-in.js';");
    expect(message).toContain('local/ reaches the AWS side through integration/aws/index.ts');
    expect(await boundaryErrors('integration/demo/x.ts', "import type { AwsModel } from '../aws/model/aws-model.js';")).toHaveLength(1);
    // Loaded on demand is still an import.
    expect(await boundaryErrors('integration/local/x.ts', "await import('../aws/stand-in.js');")).toHaveLength(1);
  });

  it('outside the component, the PKCS#11 store is used through its index', async () => {
    expect(
      await boundaryErrors(
        'integration/device/hsm/x.ts',
        "import { Pkcs11CredentialStore } from '../../../component/src/credentials/pkcs11/index.js';",
      ),
    ).toEqual([]);
    const [message] = await boundaryErrors(
      'integration/device/hsm/x.ts',
      "import '../../../component/src/credentials/pkcs11/token-objects.js';",
    );
    expect(message).toContain('PKCS#11 store is used through');
  });

  it('tools/ and integration/ share code only through shared/, but an end-to-end test may run a command', async () => {
    expect(await boundaryErrors('tools/lib/x.ts', "import { startAwsStandIn } from '../../integration/aws/index.js';")).toHaveLength(1);
    expect(await boundaryErrors('tools/lib/x.ts', "import { watchJob } from '../../shared/operator/job-watch.js';")).toEqual([]);
    const rotate = "import { rotateMain } from '../../tools/lib/rotate.js';";
    expect(await boundaryErrors('integration/local/x.ts', rotate)).toHaveLength(1);
    expect(await boundaryErrors('integration/e2e/x.ts', rotate)).toHaveLength(1);
    expect(await boundaryErrors('integration/e2e/x.e2e.test.ts', rotate)).toEqual([]);
  });
});
