import type { ToolEnvironment } from './tool-definition.js';

/** The lease that makes sharing a finding one instance at a time (see `underLease`). */
export const FINDING_LEASE = 'finding_writer';

const HOLD_MS = 5000;
const WAIT_LIMIT_MS = 15_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/**
 * Runs `work` while holding the short role lease `name`, so two instances doing the same check-then-write at the
 * same moment (is this finding new? then record it) do it one after the other. The lease expires on its own
 * after a few seconds should its holder die. After waiting WAIT_LIMIT_MS without getting it, `work` runs anyway:
 * a rare duplicate is better than a lost finding.
 */
export async function underLease<T>(env: ToolEnvironment, name: string, work: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + WAIT_LIMIT_MS;
  let held = false;
  let pause = 20;
  while (!env.signal.aborted && Date.now() < giveUpAt) {
    if ((await env.store.acquireRoleLease(name, env.self, { ttlMs: HOLD_MS })) !== null) {
      held = true;
      break;
    }
    await sleep(pause * (0.5 + Math.random()), env.signal);
    pause = Math.min(200, pause * 2);
  }
  try {
    return await work();
  } finally {
    if (held) await env.store.releaseRoleLease(name, env.self).catch(() => false);
  }
}
