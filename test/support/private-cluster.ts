import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster started by a test (initdb + pg_ctl, as .ci/run does), for tests that need the
 * server on an address the shared test server does not listen on. Runs as the `postgres` user when started by
 * root. `stop()` stops it and deletes its files; it is safe after a partial start.
 */
export interface PrivateCluster {
  port: number;
  /** postgres://postgres@<address>:<port>/postgres */
  url: (address: string) => string;
  stop: () => void;
}

/** The bin folder of an installed PostgreSQL (Debian layout, newest first), or null. */
export function postgresBinDirectory(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((entry) => existsSync(join(root, entry, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

/** A TCP port nobody listens on at 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a cluster listening on `addresses`, trusting connections from 127.0.0.1 and from `trustedNetworks`
 * (CIDR). Takes a few seconds (initdb).
 */
export async function startPrivateCluster(binDirectory: string, addresses: readonly string[], trustedNetworks: readonly string[]): Promise<PrivateCluster> {
  const directory = mkdtempSync(join(tmpdir(), 'tachikoma-private-pg-'));
  const data = join(directory, 'data');
  const asRoot = userInfo().uid === 0;
  const run = (program: string, args: readonly string[]): void => {
    const command = asRoot ? ['runuser', '-u', 'postgres', '--', join(binDirectory, program), ...args] : [join(binDirectory, program), ...args];
    execFileSync(command[0] ?? '', command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const port = await freePort();
  const cluster: PrivateCluster = {
    port,
    url: (address) => `postgres://postgres@${address}:${port}/postgres`,
    stop: () => {
      if (existsSync(join(data, 'postmaster.pid'))) {
        const command = asRoot ? ['runuser', '-u', 'postgres', '--', join(binDirectory, 'pg_ctl')] : [join(binDirectory, 'pg_ctl')];
        spawnSync(command[0] ?? '', [...command.slice(1), '-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
  try {
    if (asRoot) {
      const postgres = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(directory, postgres, -1);
    }
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres']);
    for (const network of trustedNetworks) appendFileSync(join(data, 'pg_hba.conf'), `host all all ${network} trust\n`);
    run('pg_ctl', [
      '-D', data, '-l', join(directory, 'server.log'), '-w', 'start',
      '-o', `-p ${port} -k ${directory} -c listen_addresses=${addresses.join(',')} -c max_connections=100`,
    ]);
  } catch (error) {
    cluster.stop();
    throw error;
  }
  return cluster;
}
