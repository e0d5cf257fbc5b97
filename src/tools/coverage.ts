import type { ToolEnvironment } from './tool-definition.js';

/**
 * Records in the store that this instance covered `areas` through `via`, so every instance (and the
 * coordinator) sees who has read what. Best effort: the read itself succeeded and is returned even when the
 * record cannot be written (the store is briefly unreachable).
 */
export async function recordCoverage(env: ToolEnvironment, via: string, areas: readonly string[]): Promise<void> {
  if (areas.length === 0) return;
  try {
    await env.store.recordCoverage(env.self, areas.slice(0, 500), via);
  } catch {
    // Coverage is advisory: a lost record costs at most a second read of the same file.
  }
}
