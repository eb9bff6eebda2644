/**
 * Which area of the tree may import which, enforced by `import-x/no-restricted-paths`. The README's
 * development section draws the same directions; change both together.
 *
 * Every area lists what its code may import (itself included) and what its tests (`*.test.ts`)
 * may import besides; anything else of the project is refused. Packages are always allowed.
 * Paths are relative to the repository root.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEST_FILES = '**/*.test.ts';
/** Code only tests use; code that runs outside a test never imports it. */
const TEST_SUPPORT = ['component/test', 'backend/test', 'shared/test', 'integration/test', 'cicd/test'];
/** The AWS side of the stand-in as everyone outside it sees it. */
const AWS_FACADE = 'integration/aws/index.ts';
/** The component's PKCS#11 store as everyone outside the component sees it. */
const PKCS11 = 'component/src/credentials/pkcs11';

/**
 * @typedef {object} Area
 * @property {string} path the folder
 * @property {string[]} code what its code may import
 * @property {string[]} [tests] what its `*.test.ts` files may import besides
 * @property {string} [why] the direction in words, for the error message
 * @property {boolean} [testCode] all of it is test code (suites, harnesses), not only `*.test.ts`
 */

/** @type {Area[]} */
export const AREAS = [
  { path: 'shared', code: ['shared'], tests: ['shared/test'], why: 'shared/ is a leaf: it imports no other area' },
  { path: 'shared/test', code: ['shared'] },
  {
    path: 'component/src',
    code: ['component/src', 'shared'],
    tests: ['component/test'],
    why: 'the component imports only the shared contract and leaf utilities',
  },
  { path: 'component/test', code: ['component/src', 'component/test', 'shared'] },
  { path: 'component/build', code: ['component/build', 'shared'] },
  { path: 'component/scripts', code: ['component/scripts', 'component/src', 'shared'] },
  { path: 'backend/src', code: ['backend/src', 'shared'], why: 'the Lambdas import only the shared contract and leaf utilities' },
  { path: 'backend/lib', code: ['backend/lib', 'backend/src', 'shared'] },
  { path: 'backend/bin', code: ['backend/bin', 'backend/lib', 'shared'] },
  {
    path: 'integration/aws',
    code: ['integration/aws', 'shared'],
    tests: ['integration/test'],
    why: 'the AWS side of the stand-in never imports the device side',
  },
  {
    path: 'integration/device',
    code: ['integration/device', 'component/src', 'shared'],
    tests: ['integration/test', 'component/build', AWS_FACADE],
    why: `the device side meets the AWS side only through ${AWS_FACADE}`,
  },
  {
    path: 'integration/local',
    // backend/lib: the backend is deployed into the stand-in from the CDK app's synthesized template.
    code: [
      'integration/local',
      'integration/device',
      AWS_FACADE,
      'component/src',
      'component/build',
      'backend/src',
      'backend/lib',
      'shared',
    ],
    tests: ['integration/test'],
    why: `local/ reaches the AWS side through ${AWS_FACADE}`,
  },
  {
    path: 'integration/demo',
    code: [
      'integration/demo',
      'integration/local',
      'integration/device',
      AWS_FACADE,
      'component/src',
      'component/build',
      'backend/src',
      'shared',
    ],
    why: `the demo reaches the AWS side through ${AWS_FACADE}`,
  },
  {
    path: 'integration/e2e',
    testCode: true,
    code: [
      'integration/e2e',
      'integration/local',
      'integration/device',
      AWS_FACADE,
      'integration/test',
      'component/src',
      'component/build',
      'backend/src',
      'shared',
    ],
    // The one crossing between tools/ and integration/: an end-to-end test that runs an operator
    // command as the system under test.
    tests: ['tools'],
    why: `the suites reach the AWS side through ${AWS_FACADE}; only an end-to-end test (*.test.ts) imports tools/, to run a command as the system under test`,
  },
  {
    path: 'integration/test',
    code: ['integration/test', 'integration/aws', 'integration/device', 'integration/local', 'component/src', 'shared'],
  },
  { path: 'tools', code: ['tools', 'component/build', 'shared'], why: 'tools/ and integration/ share code only through shared/' },
  {
    path: 'bench',
    // The bundle benchmark builds the Lambda bundles with the construct's own esbuild settings.
    code: [
      'bench',
      'integration/local',
      'integration/device',
      AWS_FACADE,
      'component/src',
      'component/build',
      'backend/src',
      'backend/lib/handler-bundling.ts',
      'shared',
    ],
    why: `benchmarks reach the AWS side through ${AWS_FACADE}, and the backend's build only for its bundling settings`,
  },
  { path: 'cicd', code: ['cicd', 'component/build', 'backend/lib', 'backend/src', 'shared'], tests: ['backend/test'] },
  { path: 'cicd/test', code: ['cicd', 'component/build', 'backend', 'shared'] },
];

const isTestCode = (area) => area.testCode === true || TEST_SUPPORT.includes(area.path);
/** Areas nested in `area`, whose files follow their own rule. */
const nestedIn = (area) => AREAS.filter((a) => a.path.startsWith(`${area}/`)).map((a) => `${a.path}/**`);

function onlyZone(allowed, shown, area, kind) {
  return {
    target: '.',
    from: '.',
    except: [...new Set(['node_modules', ...allowed])].map((p) => `./${p}`),
    message: `${kind} in ${area.path}/ may import only ${[...new Set(shown)].join(', ')}${area.why ? `: ${area.why}` : ''}. See README, Development.`,
  };
}

const PKCS11_ZONE = {
  target: '.',
  from: PKCS11,
  except: ['./index.ts'],
  message: `Outside the component, the PKCS#11 store is used through ${PKCS11}/index.ts only.`,
};
const TEST_SUPPORT_ZONE = {
  target: '.',
  from: TEST_SUPPORT,
  message: 'Code that runs outside tests never imports test support (the test/ folders). See README, Development.',
};

function zones(area, allowed, forTests) {
  const outsideTests = !forTests && !isTestCode(area);
  // Test support is refused by its own zone below, with its own message.
  const list = [onlyZone(outsideTests ? [...allowed, ...TEST_SUPPORT] : allowed, allowed, area, forTests ? 'Tests' : 'Code')];
  if (!area.path.startsWith('component/')) list.push(PKCS11_ZONE);
  if (outsideTests) list.push(TEST_SUPPORT_ZONE);
  return list;
}

const rule = (zoneList) => ({ 'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: zoneList }] });

/**
 * One flat-config block per area and kind (code, tests), so that each file gets exactly one set
 * of zones: a file matched by two blocks would keep only the last block's options.
 */
export function importBoundaryConfigs() {
  return AREAS.flatMap((area) => [
    {
      name: `import boundaries: ${area.path} code`,
      files: [`${area.path}/**/*.ts`],
      ignores: [TEST_FILES, ...nestedIn(area.path)],
      rules: rule(zones(area, area.code, false)),
    },
    {
      name: `import boundaries: ${area.path} tests`,
      files: [`${area.path}/${TEST_FILES}`],
      ignores: nestedIn(area.path),
      rules: rule(zones(area, [...area.code, ...(area.tests ?? [])], true)),
    },
  ]);
}
