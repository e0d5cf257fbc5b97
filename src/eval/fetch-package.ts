import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EvalError } from './eval-error.js';

const run = promisify(execFile);
/** `npm` is a batch file on Windows, which only a shell starts. */
const useShell = process.platform === 'win32';

/** Where fetched tarballs are kept between runs: $TACHIKOMA_EVAL_CACHE, else ~/.cache/tachikoma/eval. */
export function evalCacheFolder(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.TACHIKOMA_EVAL_CACHE ?? join(homedir(), '.cache', 'tachikoma', 'eval');
}

function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** The package's tarball in the cache, fetched with `npm pack <name>@<version>` the first time. */
export async function fetchTarball(name: string, version: string, cache: string): Promise<string> {
  const tarballs = join(cache, 'tarballs');
  const path = join(tarballs, tarballName(name, version));
  if (existsSync(path)) return path;
  mkdirSync(tarballs, { recursive: true });
  // Packed into a private folder, then renamed: two evals fetching at once never read a half-written tarball.
  const staging = join(tarballs, `.staging-${process.pid}-${Date.now()}`);
  mkdirSync(staging);
  try {
    await run('npm', ['pack', `${name}@${version}`, '--pack-destination', staging, '--silent'], { shell: useShell, timeout: 120_000 });
    const [file] = readdirSync(staging).filter((entry) => entry.endsWith('.tgz'));
    if (file === undefined) throw new Error('npm pack wrote no tarball');
    renameSync(join(staging, file), path);
    return path;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new EvalError('fetch_failed', `cannot fetch ${name}@${version} with npm pack: ${detail.split('\n')[0] ?? ''}`, { cause: error });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Unpacks a tarball into `destination` (emptied first) and returns the package's folder inside it. */
export async function unpackTarball(tarball: string, destination: string): Promise<string> {
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  try {
    await run('tar', ['-xzf', tarball, '-C', destination], { timeout: 60_000 });
  } catch (error) {
    throw new EvalError('fetch_failed', `cannot unpack ${tarball}: ${(error as Error).message.split('\n')[0] ?? ''}`, { cause: error });
  }
  const roots = readdirSync(destination, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  if (roots.length !== 1 || roots[0] === undefined) throw new EvalError('fetch_failed', `${tarball} does not hold one top folder`);
  return join(destination, roots[0].name);
}
