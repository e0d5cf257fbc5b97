import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';

/**
 * A network namespace joined to the host by a veth pair, for tests that put processes "on another machine"
 * and cut them off. Needs root and iproute2. Names and the /30 subnet are random per run (10.213.x.y), so
 * runs never collide; `remove()` deletes everything and is safe to call after a partial setup.
 */
export interface NetworkNamespace {
  name: string;
  hostInterface: string;
  hostAddress: string;
  namespaceAddress: string;
  /** The /30 both ends are in, e.g. 10.213.4.8/30. */
  subnet: string;
  /** argv prefix that runs a command inside the namespace. */
  exec: (command: readonly string[]) => string[];
  /** Takes the host end of the link down: packets stop both ways, sockets are not told. */
  cut: () => void;
  remove: () => void;
}

/** Why network namespaces cannot be used here, or null when they can. */
export function networkNamespaceUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root';
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) return `\`ip netns\` is not usable (${probe.error?.message ?? probe.stderr.trim()})`;
  return null;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Creates the namespace and its veth link, both ends up; removes what it made if a step fails. */
export function createNetworkNamespace(): NetworkNamespace {
  const tag = randomBytes(3).toString('hex');
  const third = randomInt(0, 256);
  const fourth = randomInt(0, 64) * 4;
  const base = `10.213.${third}.`;
  const name = `tk_ns_${tag}`;
  const hostInterface = `tkh${tag}`;
  const peerInterface = `tkn${tag}`;
  const space: NetworkNamespace = {
    name,
    hostInterface,
    hostAddress: `${base}${fourth + 1}`,
    namespaceAddress: `${base}${fourth + 2}`,
    subnet: `${base}${fourth}/30`,
    exec: (command) => ['ip', 'netns', 'exec', name, ...command],
    cut: () => ip('link', 'set', hostInterface, 'down'),
    remove: () => {
      spawnSync('ip', ['link', 'del', hostInterface], { stdio: 'ignore' });
      spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    },
  };
  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', peerInterface);
    ip('link', 'set', peerInterface, 'netns', name);
    ip('addr', 'add', `${space.hostAddress}/30`, 'dev', hostInterface);
    ip('link', 'set', hostInterface, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${space.namespaceAddress}/30`, 'dev', peerInterface);
    ip('netns', 'exec', name, 'ip', 'link', 'set', peerInterface, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    space.remove();
    throw error;
  }
  return space;
}
