import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import type { Linter } from 'eslint';
import { repoRoot, tempTree } from '../fixtures/repoPaths';

// The import-cycle rule of eslint.config.mjs (run by `npm run lint`, so by `npm test`) must actually see cycles
// between .ts files: with the plugin's default settings it silently resolves nothing and passes everything.

void test('the lint configuration reports a value-import cycle between two .ts files, and not a type-only one', async () => {
  const { ESLint } = await import('eslint');
  const config = ((await import(pathToFileURL(path.join(repoRoot, 'eslint.config.mjs')).href)) as { default: Linter.Config[] }).default;
  const cycleBlock = config.find((c) => c.rules?.['import-x/no-cycle'] !== undefined);
  assert.ok(cycleBlock !== undefined, 'eslint.config.mjs has an import-x/no-cycle block');
  const tree = tempTree({
    'a.ts': "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
    'b.ts': "import { a } from './a';\nexport const b = (): number => a.length;\n",
    'c.ts': "import type { D } from './d';\nexport type C = { d?: D };\n",
    'd.ts': "import type { C } from './c';\nexport type D = { c?: C };\n",
  });
  try {
    const parser = config.find((c) => c.languageOptions?.parser !== undefined)?.languageOptions?.parser;
    const eslint = new ESLint({
      cwd: tree.dir,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser }, plugins: cycleBlock.plugins, settings: cycleBlock.settings, rules: cycleBlock.rules }],
    });
    const results = await eslint.lintFiles(['a.ts', 'b.ts', 'c.ts', 'd.ts']);
    const cycles = Object.fromEntries(results.map((r) => [path.basename(r.filePath), r.messages.filter((m) => m.ruleId === 'import-x/no-cycle').length]));
    assert.deepEqual(cycles, { 'a.ts': 1, 'b.ts': 1, 'c.ts': 0, 'd.ts': 0 });
  } finally {
    tree.cleanup();
  }
});
