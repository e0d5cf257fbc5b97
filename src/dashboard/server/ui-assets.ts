import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../core/package-root.js';

/** The built web UI (three files, a few hundred KB): read once and served from memory. */
export interface UiAssets {
  html: string;
  js: string;
  css: string;
}

export function uiFolder(): string {
  return join(packageRoot(), 'dist', 'dashboard-ui');
}

/** Loads the built UI; a clear error when the package was not built. */
export function loadUiAssets(folder: string = uiFolder()): UiAssets {
  const file = (name: string): string => {
    const path = join(folder, name);
    if (!existsSync(path)) throw new Error(`the dashboard UI is not built (${path} is missing): run \`npm run build\``);
    return readFileSync(path, 'utf8');
  };
  return { html: file('index.html'), js: file('app.js'), css: file('app.css') };
}
