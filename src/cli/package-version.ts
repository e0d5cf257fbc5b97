import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../core/package-root.js';

const manifestSchema = z.looseObject({ version: z.string() });

/** Tachikoma's version, from its package.json ('unknown' when that cannot be read). */
export function packageVersion(): string {
  try {
    return manifestSchema.parse(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'))).version;
  } catch {
    return 'unknown';
  }
}
