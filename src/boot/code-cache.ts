/**
 * Runs a bundled CommonJS file with a V8 code cache beside it. Compiling a bundle costs every process the
 * same tens of milliseconds, and sixteen instances start at once on two cores; with the cache V8 deserialises
 * the functions the previous run compiled instead of parsing and compiling them again (Node 22 has this as
 * `module.enableCompileCache`; Node 20, which we support, does not).
 *
 * The cache is `<bundle>.v8cache`: a header naming the bundle it was made from (size and modification time,
 * so a rebuilt bundle never meets a stale cache — V8 itself checks only the source length) and V8's own data,
 * which V8 rejects after a Node upgrade or with other V8 flags. A process that found no usable cache writes
 * one once it has done its start-up work (after `saveAfterMs`, or at exit if sooner), atomically, so any
 * number of processes starting together are safe; a folder it may not write to only means no cache.
 */
import { accessSync, constants, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

const MAGIC = 'tachikoma-code-cache-1';

export interface CodeCacheOptions {
  /** Where the cache lives (default `<bundle>.v8cache`). */
  cacheFile?: string;
  /** When a process that had no usable cache writes one, in ms after start (default 4000); at exit if sooner. */
  saveAfterMs?: number;
}

/** What happened to the cache in this process (for tests and the footprint bench). */
export interface CodeCacheOutcome {
  /** `hit`: V8 used the cache; `rejected`: it refused it; `stale`: made for another build; `missing`: none. */
  cache: 'hit' | 'rejected' | 'stale' | 'missing';
  /** Writes the cache now when this process had no usable one; true when it wrote one. */
  save(): boolean;
}

function header(bundle: string, source: string): string {
  const { size, mtimeMs } = statSync(bundle);
  return `${MAGIC} ${size} ${Math.trunc(mtimeMs)} ${source.length} ${process.version}\n`;
}

function readCache(cacheFile: string, expectedHeader: string): Buffer | 'stale' | 'missing' {
  let raw: Buffer;
  try {
    raw = readFileSync(cacheFile);
  } catch {
    return 'missing';
  }
  const headerBytes = Buffer.byteLength(expectedHeader);
  if (raw.length <= headerBytes || raw.toString('latin1', 0, headerBytes) !== expectedHeader) return 'stale';
  return raw.subarray(headerBytes);
}

/**
 * Runs `bundle` (a CommonJS file) as the main program of this process, through the code cache. The bundle
 * sees the usual `require`, `module`, `__filename` and `__dirname`. It must not call `import()`: on Node 20 a
 * script compiled from a code cache loses its dynamic-import hook (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so
 * scripts/bundle.mjs lowers every `import()` to `require()`, which loads ES modules too since Node 20.19.
 */
export function runWithCodeCache(bundle: string, options: CodeCacheOptions = {}): CodeCacheOutcome {
  const cacheFile = options.cacheFile ?? `${bundle}.v8cache`;
  const source = readFileSync(bundle, 'utf8');
  const expectedHeader = header(bundle, source);
  const cached = readCache(cacheFile, expectedHeader);
  const script = new Script(Module.wrap(source), {
    filename: bundle,
    ...(typeof cached === 'string' ? {} : { cachedData: cached }),
  });
  const cache: CodeCacheOutcome['cache'] = typeof cached === 'string' ? cached : script.cachedDataRejected === true ? 'rejected' : 'hit';
  let pending = cache !== 'hit';

  const save = (): boolean => {
    if (!pending) return false;
    pending = false;
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    try {
      // A read-only install: find out before serialising (tens of ms) rather than after.
      accessSync(dirname(cacheFile), constants.W_OK);
      writeFileSync(temporary, Buffer.concat([Buffer.from(expectedHeader, 'latin1'), script.createCachedData()]));
      renameSync(temporary, cacheFile);
      return true;
    } catch {
      // A read-only install: no cache, and nothing else changes.
      try {
        unlinkSync(temporary);
      } catch {
        // never written
      }
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
