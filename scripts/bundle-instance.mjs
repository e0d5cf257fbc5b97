/**
 * Bundles the instance entry (src/cli/instance-entry.ts) into dist/bundle/instance.mjs: the file the
 * orchestrator starts for each instance. One file instead of a few hundred modules and no command-line
 * framework make an instance process cheap to start. Code an idle instance does not need (each brain's own
 * code, loaded on demand) is split into dist/bundle/chunks/ and still loaded only when used. Packages stay
 * imports from node_modules, except the few small pure-JavaScript ones every instance loads at start:
 * native modules (libsql), PostgreSQL and the LLM and MCP SDKs are never bundled.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

/** Dependencies bundled in: loaded by every instance at start, pure JavaScript, no files read at run time. */
const BUNDLED = new Set(['zod', 'pino', 'write-file-atomic']);

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

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { instance: 'src/cli/instance-entry.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  external,
  // Bundled CommonJS packages call require() for Node's own modules and read __filename (write-file-atomic
  // names its temporary files with it); an ES module has none of these of its own.
  banner: {
    js: [
      "import { createRequire as __bundleCreateRequire } from 'node:module';",
      "import { dirname as __bundleDirname } from 'node:path';",
      "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
      'const require = __bundleCreateRequire(import.meta.url);',
      'const __filename = __bundleFileURLToPath(import.meta.url);',
      'const __dirname = __bundleDirname(__filename);',
    ].join('\n'),
  },
  plugins: [englishOnlyZodLocales],
  legalComments: 'none',
  logLevel: 'warning',
});
