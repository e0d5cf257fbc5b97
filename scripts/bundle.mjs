/**
 * Bundles the two programs Tachikoma starts into dist/bundle/, each one CommonJS file:
 *   - instance.cjs, from src/cli/instance-entry.ts: what bin/tachikoma-instance.js runs for each instance — no
 *     command-line framework, the cheapest process to start;
 *   - cli.cjs, from src/cli/cli-entry.ts: the `tachikoma` command (loaded by bin/tachikoma.js).
 * One file instead of a few hundred modules saves Node's module resolution and linking; the launchers turn on
 * Node's compile cache (module.enableCompileCache, Node >= 22.1), which saves compiling it. Code a process does
 * not need at start (each brain, the dashboard server, PostgreSQL) is in the file but only runs when used.
 * Packages stay require()s of node_modules, except the small pure-JavaScript ones every process loads at start;
 * native modules (libsql), PostgreSQL and the LLM and MCP SDKs are never bundled.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

/** Dependencies bundled in: loaded at start, pure JavaScript, no files read at run time (log-update: ES module only). */
const BUNDLED = new Set(['zod', 'pino', 'write-file-atomic', 'commander', 'log-update', 'picocolors', 'cli-table3']);

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = Object.keys(manifest.dependencies ?? {})
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

/**
 * zod re-exports every locale (`z.locales.*`, some 350 kB) next to the English messages it uses by default;
 * nothing here selects another locale, so the bundle carries English only and starts faster.
 */
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    bundle.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

const common = {
  absWorkingDir: root,
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  external,
  // Every import() (the bundle's own lazy modules) becomes a require(): lazy parts stay in the one file.
  supported: { 'dynamic-import': false },
  // The sources are ES modules: import.meta.url becomes the bundle's own file URL.
  define: { 'import.meta.url': '__bundle_import_meta_url' },
  banner: { js: "const __bundle_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [englishOnlyZodLocales],
  legalComments: 'none',
  logLevel: 'warning',
};

rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: {
    instance: 'src/cli/instance-entry.ts',
    cli: 'src/cli/cli-entry.ts',
  },
});
