import { createRequire } from 'node:module';
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';

// The import rules of docs/architecture.md are ESLint rules (eslint.config.js), so `pnpm lint` holds the whole tree
// to them. Here each rule is shown to refuse what it should, in every form an import can take, and to let the
// allowed imports through: a rule weakened by an edit of the configuration fails this test.
const root = path.resolve(__dirname, '..');
// The configuration is handed over, not looked up: ESLint loads config files with a dynamic import, which Jest's
// module sandbox refuses.
const config = createRequire(__filename)('../eslint.config.js') as Linter.Config[];
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });

/** The messages of no-restricted-imports for `source` as if it were the file `file` of the repository. */
async function refusals(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries (docs/architecture.md)', () => {
  it('refuses an app importing another app, by name or by a relative path', async () => {
    for (const source of [
      "import { createSender } from '@ms1/ms4-sender';",
      "import { createSender } from '../../ms4-sender/src/sender';",
      "import { createSender } from '../../../apps/ms4-sender/src/sender';",
      "export { processEmailHandler } from '../../processor-worker/src/process-email';",
      "import type { Sender } from '@ms1/ms4-sender/src/sender';",
    ]) {
      expect(await refusals('apps/ingest-api/src/sync/example.ts', source)).toEqual([
        expect.stringContaining('apps never import each other'),
      ]);
    }
    // Tests are held to the same rule.
    expect(await refusals('apps/ms4-sender/test/example.test.ts', "import '../../ingest-api/src/main';")).toHaveLength(
      1,
    );
  });

  it('refuses production code importing a simulator, a test helper or test data', async () => {
    for (const [file, source] of [
      ['apps/processor-worker/src/example.ts', "import { startGraphSim } from '@ms1/graph-sim';"],
      ['apps/processor-worker/src/example.ts', "import { invoiceFixtures } from '@ms1/fixtures';"],
      ['apps/ms4-sender/src/example.ts', "import type { Ms4Item } from '../../../packages/ms4-sim/src/contract';"],
      ['packages/shared/src/storage/example.ts', "import { startS3Sim } from '@ms1/s3-sim';"],
      ['packages/shared/src/example.ts', "import { uniquePrefix } from '../../test-utils/src';"],
      ['packages/shared/src/example.ts', "import '@ms1/bench';"],
    ]) {
      expect(await refusals(file, source)).toEqual([expect.stringContaining('production code never imports')]);
    }
  });

  it('refuses a package importing an app', async () => {
    expect(await refusals('packages/shared/src/example.ts', "import '@ms1/ingest-api';")).toHaveLength(1);
    expect(
      await refusals('packages/test-utils/src/example.ts', "import '../../../apps/ms4-sender/src/sender';"),
    ).toEqual([expect.stringContaining('no package imports an app')]);
  });

  it('lets the allowed imports through', async () => {
    const allowed: [string, string][] = [
      ['apps/ingest-api/src/sync/example.ts', "import { Producer } from '@ms1/shared';"],
      ['apps/ingest-api/src/sync/example.ts', "import { addPageFlow } from './page-flow';"],
      ['apps/ingest-api/src/http/handlers/example.ts', "import { CursorStore } from '../../sync/cursor-store';"],
      ['apps/processor-worker/test/example.test.ts', "import { startGraphSim } from '@ms1/graph-sim';"],
      ['apps/processor-worker/test/example.test.ts', "import { fixtures } from './helpers/fixtures';"],
      ['packages/shared/test/example.test.ts', "import { uniquePrefix } from '@ms1/test-utils';"],
      ['packages/bench/src/example.ts', "import { startMs4Sim } from '@ms1/ms4-sim';"],
    ];
    for (const [file, source] of allowed) expect(await refusals(file, source)).toEqual([]);
  });
});
