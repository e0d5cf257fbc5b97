import { createHash } from 'node:crypto';

/** Tokens of a piece of a prompt: about one per four characters of its JSON. */
export function tokensOf(value: unknown): number {
  return Math.ceil((JSON.stringify(value) ?? '').length / 4);
}

/** How a request's input splits: read from the cache, written to it, and neither. */
export interface CacheSplit {
  cacheRead: number;
  cacheWrite: number;
  uncached: number;
}

interface Block {
  content: unknown;
  marked: boolean;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A block without its cache marker (a marker does not change what is cached). */
function unmarked(value: unknown): { content: unknown; marked: boolean } {
  const block = record(value);
  if (block === undefined || !('cache_control' in block)) return { content: value, marked: false };
  const { cache_control: marker, ...rest } = block;
  return { content: rest, marked: marker !== undefined && marker !== null };
}

/** An Anthropic Messages body as the cache sees it: tools, then system blocks, then message blocks, in order. */
function blocksOf(body: unknown): Block[] {
  const request = record(body) ?? {};
  const blocks: Block[] = [];
  for (const tool of Array.isArray(request.tools) ? request.tools : []) blocks.push(unmarked(tool));
  const system = request.system;
  for (const part of typeof system === 'string' ? [{ type: 'text', text: system }] : Array.isArray(system) ? system : []) blocks.push(unmarked(part));
  for (const message of Array.isArray(request.messages) ? request.messages : []) {
    const entry = record(message) ?? {};
    const content = typeof entry.content === 'string' ? [{ type: 'text', text: entry.content }] : Array.isArray(entry.content) ? entry.content : [];
    content.forEach((part, index) => {
      const block = unmarked(part);
      blocks.push({ content: index === 0 ? { role: entry.role, ...record(block.content) } : block.content, marked: block.marked });
    });
  }
  return blocks;
}

/**
 * Anthropic's prompt cache, simulated: a request's prefix up to a `cache_control` marker is written to the
 * cache; a later request whose prompt begins with a written prefix (up to its last marker, looking back as
 * far as the whole prompt) reads that prefix from the cache. Without markers nothing is cached. Enough for
 * the tests and the token benchmark to see what a breakpoint layout saves; no expiry, no minimum length.
 */
export class PromptCacheSimulator {
  private readonly written = new Set<string>();

  /** Splits a request's input tokens and remembers what it wrote. */
  split(body: unknown): CacheSplit {
    const blocks = blocksOf(body);
    const keys: string[] = [];
    const hash = createHash('sha256');
    const sizes: number[] = [];
    let total = 0;
    for (const block of blocks) {
      hash.update(JSON.stringify(block.content) ?? '');
      keys.push(hash.copy().digest('hex'));
      total += tokensOf(block.content);
      sizes.push(total);
    }
    const lastMark = blocks.findLastIndex((block) => block.marked);
    if (lastMark < 0) return { cacheRead: 0, cacheWrite: 0, uncached: total };
    let hit = -1;
    for (let index = lastMark; index >= 0; index -= 1) {
      if (this.written.has(keys[index] ?? '')) {
        hit = index;
        break;
      }
    }
    blocks.forEach((block, index) => {
      if (block.marked) this.written.add(keys[index] ?? '');
    });
    const read = hit < 0 ? 0 : sizes[hit] ?? 0;
    const upToMark = sizes[lastMark] ?? 0;
    return { cacheRead: read, cacheWrite: upToMark - read, uncached: total - upToMark };
  }
}
