// Bundles the extension host, the CLI and (when present) the linker worker and the webview. Native modules
// stay external: they are loaded from node_modules at run time and shipped in the .vsix (see .vscodeignore).
//   node esbuild.mjs            one build
//   node esbuild.mjs --watch    rebuild on change
//   node esbuild.mjs --minify   smaller output (used by `npm run package`)
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const nativeExternals = ['onnxruntime-node', 'hnswlib-node'];

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  sourcemap: true,
  minify,
  logLevel: 'info',
  absWorkingDir: root,
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: ['src/host/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', ...nativeExternals],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nativeExternals,
    banner: { js: '#!/usr/bin/env node' },
  },
];

// The linker's worker thread (src/host starts dist/linkerWorker.js): the KB, encoder and index live there.
if (existsSync(path.join(root, 'src/core/worker/linkerWorker.ts'))) {
  builds.push({
    ...common,
    entryPoints: ['src/core/worker/linkerWorker.ts'],
    outfile: 'dist/linkerWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nativeExternals,
  });
}

if (existsSync(path.join(root, 'webview/main.ts'))) {
  builds.push({
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  });
}

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('[esbuild] watching for changes');
} else {
  const results = await Promise.allSettled(builds.map((options) => esbuild.build(options)));
  // esbuild has already printed each error with its location; a stack trace on top would only hide them.
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed > 0) {
    console.error(`[esbuild] ${failed} of ${builds.length} bundle(s) failed`);
    process.exitCode = 1;
  }
}
