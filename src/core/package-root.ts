import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder of Tachikoma's package.json, found by walking up from this module (works from src/ and dist/). */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate) && readFileSync(candidate, 'utf8').includes('"name": "tachikoma"')) {
      cached = folder;
      return folder;
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error('cannot find the tachikoma package root');
    folder = parent;
  }
}
