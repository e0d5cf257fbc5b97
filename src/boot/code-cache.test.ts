import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runWithCodeCache } from './code-cache.js';

interface Exports {
  value: number;
  filename: string;
  dirname: string;
  required: unknown;
}

/** A CommonJS "bundle" that records what it saw in module.exports (read back through `require.cache`-free means). */
function bundleSource(value: number): string {
  return [
    `module.exports.value = ${value};`,
    'module.exports.filename = __filename;',
    'module.exports.dirname = __dirname;',
    "module.exports.required = require('./helper.cjs');",
    'globalThis.__codeCacheTest = module.exports;',
  ].join('\n');
}

/** The built module (`npm test` builds first): a fresh process has no in-memory compilation cache to hide behind. */
const BUILT = resolve(import.meta.dirname, '../../dist/src/boot/code-cache.js');

/** Runs `bundle` through the code cache in a new Node process; what the cache did and what the bundle set. */
function inChildProcess(file: string, nodeFlags: readonly string[] = []): { cache: string; value: number } {
  const script = `import { runWithCodeCache } from ${JSON.stringify(pathToFileURL(BUILT).href)};
const outcome = runWithCodeCache(${JSON.stringify(file)});
console.log(JSON.stringify({ cache: outcome.cache, value: globalThis.__codeCacheTest.value }));`;
  const result = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) throw new Error(`child failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim()) as { cache: string; value: number };
}

function lastExports(): Exports {
  return (globalThis as unknown as { __codeCacheTest: Exports }).__codeCacheTest;
}

describe('runWithCodeCache', () => {
  let folder: string;
  let bundle: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'code-cache-'));
    bundle = join(folder, 'bundle.cjs');
    writeFileSync(bundle, bundleSource(1));
    writeFileSync(join(folder, 'helper.cjs'), "module.exports = 'from require';\n");
  });
  afterEach(() => {
    chmodSync(folder, 0o755);
    rmSync(folder, { recursive: true, force: true });
  });

  test('runs the bundle as a CommonJS module: __filename, __dirname, relative require()', () => {
    runWithCodeCache(bundle, { saveAfterMs: 60_000 });
    expect(lastExports()).toMatchObject({ value: 1, filename: bundle, dirname: folder, required: 'from require' });
  });

  test('no cache, then one is written, then V8 uses it', () => {
    const first = runWithCodeCache(bundle, { saveAfterMs: 60_000 });
    expect(first.cache).toBe('missing');
    expect(existsSync(`${bundle}.v8cache`)).toBe(false);
    expect(first.save()).toBe(true);
    expect(first.save()).toBe(false);
    expect(readFileSync(`${bundle}.v8cache`).length).toBeGreaterThan(100);

    const second = runWithCodeCache(bundle, { saveAfterMs: 60_000 });
    expect(second.cache).toBe('hit');
    expect(second.save()).toBe(false);
    expect(lastExports().value).toBe(1);
  });

  test('a rebuilt bundle of the very same length never runs the old code from the cache', () => {
    runWithCodeCache(bundle, { saveAfterMs: 60_000 }).save();
    writeFileSync(bundle, bundleSource(2));
    const later = new Date(Date.now() + 5000);
    utimesSync(bundle, later, later);
    const outcome = runWithCodeCache(bundle, { saveAfterMs: 60_000 });
    expect(outcome.cache).toBe('stale');
    expect(lastExports().value).toBe(2);
    expect(outcome.save()).toBe(true);
    expect(runWithCodeCache(bundle, { saveAfterMs: 60_000 }).cache).toBe('hit');
  });

  test('in a new process: the cache is used; one made under other V8 flags is refused by V8 and replaced', () => {
    runWithCodeCache(bundle, { saveAfterMs: 60_000 }).save();
    expect(inChildProcess(bundle)).toEqual({ cache: 'hit', value: 1 });
    // --no-opt changes V8's flag hash: the cache made without it is refused, and the child writes its own at exit.
    expect(inChildProcess(bundle, ['--no-opt'])).toEqual({ cache: 'rejected', value: 1 });
    expect(inChildProcess(bundle, ['--no-opt'])).toEqual({ cache: 'hit', value: 1 });
  });

  test('damaged data under a valid header never reaches V8 (whose deserialiser would crash on it): reported and replaced', () => {
    runWithCodeCache(bundle, { saveAfterMs: 60_000 }).save();
    const raw = readFileSync(`${bundle}.v8cache`);
    const dataStart = raw.indexOf(10, raw.indexOf(10) + 1) + 1;
    // Bytes flipped all through V8's data, past its own magic number, as a torn write or a bad disk would leave them.
    for (let index = dataStart + 64; index < raw.length; index += 97) raw[index] = (raw[index] ?? 0) ^ 0xff;
    writeFileSync(`${bundle}.v8cache`, raw);
    expect(inChildProcess(bundle)).toEqual({ cache: 'damaged', value: 1 });
    expect(inChildProcess(bundle)).toEqual({ cache: 'hit', value: 1 });
    // A cut-off file is damaged too.
    writeFileSync(`${bundle}.v8cache`, raw.subarray(0, dataStart + 100));
    expect(inChildProcess(bundle)).toEqual({ cache: 'damaged', value: 1 });
  });

  test('a folder it may not write to means no cache and no error', () => {
    if (process.getuid?.() === 0) {
      // root writes anyway; check the same path with a cache file that cannot be created instead.
      const outcome = runWithCodeCache(bundle, { saveAfterMs: 60_000, cacheFile: join(folder, 'missing-dir', 'x.v8cache') });
      expect(outcome.save()).toBe(false);
      expect(existsSync(join(folder, 'missing-dir'))).toBe(false);
      return;
    }
    chmodSync(folder, 0o555);
    const outcome = runWithCodeCache(bundle, { saveAfterMs: 60_000 });
    expect(outcome.save()).toBe(false);
    expect(existsSync(`${bundle}.v8cache`)).toBe(false);
  });

  test('an unusable cache file (truncated, a directory) is treated as no cache', () => {
    writeFileSync(`${bundle}.v8cache`, 'tachikoma-code-cache-2');
    expect(runWithCodeCache(bundle, { saveAfterMs: 60_000 }).cache).toBe('stale');
    rmSync(`${bundle}.v8cache`);
    mkdirSync(`${bundle}.v8cache`);
    const outcome = runWithCodeCache(bundle, { saveAfterMs: 60_000 });
    expect(outcome.cache).toBe('missing');
    expect(outcome.save()).toBe(false);
    expect(lastExports().value).toBe(1);
  });
});

describe('the built bundles (npm run build)', () => {
  const folder = resolve(import.meta.dirname, '../../dist/bundle');
  test.each(['instance-code.cjs', 'cli-code.cjs'])('%s calls no import(): it would fail once run from the code cache', (name) => {
    const code = readFileSync(join(folder, name), 'utf8');
    const calls = code.split('\n').filter((line) => !line.trimStart().startsWith('//') && /(^|[^\w$.])import\(/.test(line));
    expect(calls).toEqual([]);
  });
});
