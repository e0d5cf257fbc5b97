import writeFileAtomic from 'write-file-atomic';
import type { RunPaths } from '../core/run-paths.js';
import type { CollectiveStore } from '../store/index.js';

/** How much of the store the JSON views hold; the store itself keeps everything. */
export interface ViewLimits {
  messages: number;
  memory: number;
}

export const DEFAULT_VIEW_LIMITS: ViewLimits = { messages: 10_000, memory: 1_000 };

/**
 * Keeps the seed's inspectable JSON files current: `.shared_messages.json` (the latest messages, oldest
 * first), `.shared_memory.json` (newest first) and `.instance_registry.json`. Each is replaced whole by
 * tmp file + rename, so a reader always sees valid JSON; rewrites are debounced.
 */
export class ViewWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly store: CollectiveStore,
    private readonly paths: RunPaths,
    private readonly debounceMs = 250,
    private readonly limits: ViewLimits = DEFAULT_VIEW_LIMITS,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Something changed: write the views after the debounce interval. */
  schedule(): void {
    this.dirty = true;
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.writeNow()).catch(this.onError);
    }, this.debounceMs);
  }

  /** Writes every view now and waits for any write in flight. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    await this.writeNow();
  }

  private async writeNow(): Promise<void> {
    this.dirty = false;
    const last = await this.store.lastMessageSeq();
    const messages = await this.store.readMessages({ audience: { all: true }, after: Math.max(0, last - this.limits.messages), limit: this.limits.messages });
    const memory = await this.store.listMemory({ order: 'recency', limit: Math.min(this.limits.memory, 1000) });
    const instances = await this.store.listInstances();
    await Promise.all([
      writeFileAtomic(this.paths.messagesView, `${JSON.stringify(messages, null, 1)}\n`),
      writeFileAtomic(this.paths.memoryView, `${JSON.stringify(memory, null, 1)}\n`),
      writeFileAtomic(this.paths.registryView, `${JSON.stringify(instances, null, 1)}\n`),
    ]);
  }

  get pending(): boolean {
    return this.dirty;
  }
}
