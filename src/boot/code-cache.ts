/**
 * Runs a bundled CommonJS file with a V8 code cache beside it. Compiling a bundle costs every process the
 * same tens of milliseconds, and sixteen instances start at once on two cores; with the cache V8 deserialises
 * the functions the previous run compiled instead of parsing and compiling them again (Node 22 has this as
 * `module.enableCompileCache`; Node 20, which we support, does not).
 *
 * The cache is `<bundle>.v8cache`: a header naming the bundle it was made from (size and modification time,
 * so a rebuilt bundle never meets a stale cache — V8 itself checks only the source length) and the length
 * and CRC-32 of V8's data that follows. V8 does not verify that data (a damaged byte in it crashes the
 * process inside the deserialiser, every time), so a cache whose checksum does not match is never handed to
 * V8; V8 still rejects a whole cache made by another Node or with other V8 flags. A process that found no
 * usable cache writes one once it has done its start-up work (after `saveAfterMs`, or at exit if sooner): to a
 * temporary file of its own, flushed to disk, then renamed over the old one, so any number of processes
 * starting together are safe; a folder it may not write to only means no cache.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';

const MAGIC = 'tachikoma-code-cache-2';

export interface CodeCacheOptions {
  /** Where the cache lives (default `cacheFileFor(bundle)`). */
  cacheFile?: string;
  /** When a process that had no usable cache writes one, in ms after start (default 4000); at exit if sooner. */
  saveAfterMs?: number;
}

/** What happened to the cache in this process (for tests and the footprint bench). */
export interface CodeCacheOutcome {
  /**
   * `hit`: V8 used the cache; `rejected`: V8 refused it; `stale`: made for another build; `damaged`: its data
   * does not match its checksum (never given to V8); `missing`: none.
   */
  cache: 'hit' | 'rejected' | 'stale' | 'damaged' | 'missing';
  /** Writes the cache now when this process had no usable one; true when it wrote one. */
  save(): boolean;
}

/** Where the code cache of `bundle` lives: `<bundle>.v8cache`, or `<bundle>.<tag>.v8cache` for one of several. */
export function cacheFileFor(bundle: string, tag?: string): string {
  return tag === undefined ? `${bundle}.v8cache` : `${bundle}.${tag}.v8cache`;
}

/** The first line of a cache: which bundle it belongs to. The data's length and checksum follow on the second. */
function bundleLine(bundle: string, source: string): string {
  const { size, mtimeMs } = statSync(bundle);
  return `${MAGIC} ${size} ${Math.trunc(mtimeMs)} ${source.length} ${process.version}\n`;
}

function dataLine(data: Buffer): string {
  return `${data.length} ${crc32(data)}\n`;
}

function readCache(cacheFile: string, expectedBundleLine: string): Buffer | 'stale' | 'damaged' | 'missing' {
  let raw: Buffer;
  try {
    raw = readFileSync(cacheFile);
  } catch {
    return 'missing';
  }
  const bundleBytes = Buffer.byteLength(expectedBundleLine);
  if (raw.length <= bundleBytes || raw.toString('latin1', 0, bundleBytes) !== expectedBundleLine) return 'stale';
  const dataStart = raw.indexOf(10, bundleBytes) + 1;
  if (dataStart === 0) return 'damaged';
  const data = raw.subarray(dataStart);
  return raw.toString('latin1', bundleBytes, dataStart) === dataLine(data) ? data : 'damaged';
}

/** Writes `parts` to `file` through a temporary file of this process's own, flushed to disk before the rename. */
function writeAtomically(file: string, parts: readonly Buffer[]): void {
  const temporary = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  const descriptor = openSync(temporary, 'wx');
  try {
    try {
      for (const part of parts) writeSync(descriptor, part);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // already renamed, or never there
    }
    throw error;
  }
}

/**
 * Runs `bundle` (a CommonJS file) as the main program of this process, through the code cache. The bundle
 * sees the usual `require`, `module`, `__filename` and `__dirname`. It must not call `import()`: on Node 20 a
 * script compiled from a code cache loses its dynamic-import hook (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so
 * scripts/bundle.mjs lowers every `import()` to `require()`, which loads ES modules too since Node 20.19.
 */
export function runWithCodeCache(bundle: string, options: CodeCacheOptions = {}): CodeCacheOutcome {
  const cacheFile = options.cacheFile ?? cacheFileFor(bundle);
  const source = readFileSync(bundle, 'utf8');
  const expectedBundleLine = bundleLine(bundle, source);
  const cached = readCache(cacheFile, expectedBundleLine);
  const script = new Script(Module.wrap(source), {
    filename: bundle,
    ...(typeof cached === 'string' ? {} : { cachedData: cached }),
  });
  const cache: CodeCacheOutcome['cache'] = typeof cached === 'string' ? cached : script.cachedDataRejected === true ? 'rejected' : 'hit';
  let pending = cache !== 'hit';

  const save = (): boolean => {
    if (!pending) return false;
    pending = false;
    try {
      // A read-only install: find out before serialising (tens of ms) rather than after.
      accessSync(dirname(cacheFile), constants.W_OK);
      const data = script.createCachedData();
      writeAtomically(cacheFile, [Buffer.from(expectedBundleLine + dataLine(data), 'latin1'), data]);
      return true;
    } catch {
      // No cache, and nothing else changes.
      return false;
    }
  };
  if (pending) {
    setTimeout(save, options.saveAfterMs ?? 4000).unref();
    process.once('exit', save);
  }

  const main = new Module(bundle);
  main.filename = bundle;
  main.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(dirname(bundle));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(main.exports, main.exports, createRequire(bundle), main, bundle, dirname(bundle));
  return { cache, save };
}
