import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ToolBox, TurnContext } from '../../src/brain/brain.js';
import { allowedTools } from '../../src/collective/roles.js';
import { buildTurnContext } from '../../src/instance/build-turn-context.js';
import type { Message, NewMessage, Role } from '../../src/protocol/index.js';
import { type CollectiveStore, createSqliteStore } from '../../src/store/index.js';
import { ALL_TOOLS } from '../../src/tools/all-tools.js';
import { type ToolCallRecord, createToolBox } from '../../src/tools/create-tool-box.js';

/** A temporary collective for testing a brain: a SQLite store, a workspace with files, real tools. */
export interface ToolBoxFixture {
  store: CollectiveStore;
  /** The workspace root (its files come from `files`). */
  workspace: string;
  /** The run directory (where write_report writes). */
  runDirectory: string;
  /** A real tool box for one turn of `self`, as an instance builds it (the role's permissions, coordinator powers included). */
  toolBox(turnKey?: string): ToolBox & { readonly calls: readonly ToolCallRecord[] };
  /** The context of a turn of `self`, built from the store as an instance builds it. */
  context(inbox?: Message[], iteration?: number): Promise<TurnContext>;
  /** Publishes a message (e.g. a question from the human) and returns it as stored. */
  publish(message: NewMessage): Promise<Message>;
  /** Closes the store and deletes every file. */
  close(): Promise<void>;
}

/** Who the fixture's instance is, the goal, and what is in its workspace. */
export interface ToolBoxFixtureOptions {
  self?: string;
  role?: Role;
  goal?: string;
  /** Workspace files: relative path → content. */
  files?: Record<string, string>;
  /** Other instances to register, as peers. */
  peers?: Array<{ id: string; role: Role }>;
}

/** Creates a temporary collective with `self` registered, for brain tests. Call `close()` after. */
export async function createToolBoxFixture(options: ToolBoxFixtureOptions = {}): Promise<ToolBoxFixture> {
  const self = options.self ?? 'instance_1';
  const role = options.role ?? 'explorer';
  const root = mkdtempSync(join(tmpdir(), 'tachikoma-brain-'));
  const workspace = join(root, 'workspace');
  const runDirectory = join(root, 'run');
  mkdirSync(runDirectory, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), content);
  }
  const store = createSqliteStore(join(runDirectory, 'collective.db'));
  await store.register({ id: self, role });
  for (const peer of options.peers ?? []) await store.register(peer);
  const currentTask = { id: null as string | null };
  return {
    store,
    workspace,
    runDirectory,
    toolBox: (turnKey = '0') =>
      createToolBox({
        tools: ALL_TOOLS, store, self, role, signal: new AbortController().signal, currentTask, leaseMs: 60_000,
        workspace, runDirectory, allowed: allowedTools(role, true), turnKey,
      }),
    context: (inbox = [], iteration = 0) =>
      buildTurnContext({ store, self, role, iteration, goal: options.goal ?? 'Audit the workspace.', workspace, inbox, currentTaskId: currentTask.id, metadata: {} }),
    publish: (message) => store.publish(message),
    close: async () => {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
