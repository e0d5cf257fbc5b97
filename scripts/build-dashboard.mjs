// Builds the dashboard's web UI into dist/dashboard-ui: one script, one stylesheet, one page. No CDN: it all
// ships with the package.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'dashboard', 'ui');
const out = join(root, 'dist', 'dashboard-ui');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(source, 'main.tsx')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  tsconfig: join(source, 'tsconfig.json'),
  logLevel: 'warning',
});
await build({
  entryPoints: [join(source, 'styles.css')],
  outfile: join(out, 'app.css'),
  bundle: true,
  minify: true,
  logLevel: 'warning',
});
copyFileSync(join(source, 'index.html'), join(out, 'index.html'));
