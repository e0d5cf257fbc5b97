import type {
  Heartbeat,
  HistoryEvent,
  HistoryKind,
  InstanceRecord,
  InstanceRegistration,
  MemoryItem,
  MemoryKind,
  Message,
  NewMemoryItem,
  NewMessage,
  NewProposal,
  NewTask,
  NewVote,
  Proposal,
  Role,
  Task,
  TaskCompletion,
  TaskState,
  Veto,
  Vote,
} from '../protocol/index.js';

/** Whose messages to read: one instance's (direct + others' broadcasts), the human's, or every message. */
export type Audience = { instance: string } | { human: true } | { all: true };

/** A row that failed its schema: where it is and what is wrong. It was skipped, nothing else was affected. */
export interface BadRecordReport {
  table: string;
  key: string;
  issues: readonly string[];
}

export interface StoreOptions {
  /** Milliseconds since the epoch; leases, deadlines and timestamps use it. Default `Date.now`. */
  clock?: () => number;
  /** Called once per malformed row met while reading; default: one warning line on stderr. */
  onBadRecord?: (report: BadRecordReport) => void;
  /** Slowest fallback poll of followers when no file-change wake-up arrives, in ms. Default 1000. */
  pollIntervalMs?: number;
}

export interface ReadMessagesQuery {
  audience: Audience;
  /** Return messages with `seq` greater than this. */
  after: number;
  limit?: number;
}

export interface FollowQuery {
  /** Deliver items with `seq` greater than this. */
  after: number;
  signal?: AbortSignal;
  /** Largest batch read at once; default 256. */
  batchSize?: number;
}

export interface ClaimOptions {
  leaseMs: number;
}

export interface ClaimNextOptions extends ClaimOptions {
  /** Roles the claimer can fill; tasks requiring another role are passed over. */
  roles?: readonly Role[];
  /** Capabilities the claimer has; tasks requiring another capability are passed over. */
  capabilities?: readonly string[];
}

export interface TaskQuery {
  state?: TaskState;
  owner?: string;
}

export interface MemoryHit {
  item: MemoryItem;
  /** Text relevance, higher is better, comparable within one search only. */
  relevance: number;
}

export interface MemorySearchOptions {
  limit?: number;
  kinds?: readonly MemoryKind[];
}

export interface MemoryListOptions {
  order: 'recency' | 'importance';
  limit?: number;
  kinds?: readonly MemoryKind[];
}

export interface HistoryQuery {
  after: number;
  limit?: number;
  kinds?: readonly HistoryKind[];
}

/** A named, exclusive, expiring lease on a role (the coordinator's): one holder at any instant. */
export interface RoleLease {
  name: string;
  holder: string;
  /** Increases every time the holder changes: a fencing token. */
  term: number;
  acquiredAt: string;
  expiresAt: string;
}

/** Counts of the latest round of votes on a proposal. */
export interface Tally {
  proposalId: string;
  round: number;
  counts: Record<string, number>;
  votesCast: number;
}

/** One file or area an instance has covered (read, searched or audited): how often, through which tool last. */
export interface CoverageEntry {
  instance: string;
  area: string;
  /** The tool that covered it last (read_files, grep, audit_files). */
  via: string;
  count: number;
  firstAt: string;
  lastAt: string;
}
/** A document as the store keeps it: working state per namespace and key (e.g. an instance's notebook). */
export interface StoredDocument {
  namespace: string;
  key: string;
  value: unknown;
  updatedAt: string;
  /** 1 on the first write, +1 on each write after. */
  revision: number;
}

/** A named consumer's position in the message sequence (see `getCursor` / `saveCursor`). */
export interface CursorPosition {
  consumer: string;
  seq: number;
}

/**
 * The collective store: everything N instance processes share. Every method is safe to call from many
 * processes at once; every write is durable against a crash of any process when its promise resolves;
 * every change is appended to one ordered history. Bad input rejects with `StoreError('invalid_input')`
 * and changes nothing.
 */
export interface CollectiveStore {
  readonly backend: string;
  /** Where the store lives (file path or redacted URL), for humans. */
  readonly location: string;

  /** Appends a message; the store assigns `seq` (strictly increasing) and, when absent, `id` and `timestamp`. Publishing an `id` again returns the stored message unchanged when it repeats it (sender, recipient, type, content, metadata); with any of those different it rejects with `conflict`. */
  publish(message: NewMessage): Promise<Message>;
  /** Messages for an audience with `seq > after`, in `seq` order. Malformed rows are reported and skipped. */
  readMessages(query: ReadMessagesQuery): Promise<Message[]>;
  /** Every message for an audience after `after`, now and as they arrive, until `signal` aborts or `return()`. Never a busy loop. */
  followMessages(audience: Audience, query: FollowQuery): AsyncIterable<Message>;
  /** Highest message `seq` so far (0 when none). */
  lastMessageSeq(): Promise<number>;
  /** A named consumer's saved position (0 when never saved). */
  getCursor(consumer: string): Promise<number>;
  /** Saves a consumer's position; it only moves forward (a lower value is ignored). */
  saveCursor(consumer: string, seq: number): Promise<void>;

  /** Adds or re-registers an instance (a restart keeps its `startedAt` fresh and its iteration count). */
  register(registration: InstanceRegistration): Promise<InstanceRecord>;
  /**
   * Records that an instance is alive, with optional status changes. Unknown instance → `not_found`. With
   * `cursor`, saves that consumer's position in the same transaction (as `saveCursor` would): the end of a turn
   * (its iteration) and the inbox position after it are one checkpoint, so a crash leaves both or neither.
   */
  heartbeat(instanceId: string, beat?: Heartbeat, cursor?: CursorPosition): Promise<InstanceRecord>;
  getInstance(instanceId: string): Promise<InstanceRecord | null>;
  listInstances(): Promise<InstanceRecord[]>;
  /** Instances not stopped/crashed whose last heartbeat is older than `olderThanMs`. */
  findStale(olderThanMs: number): Promise<InstanceRecord[]>;

  createTask(task: NewTask): Promise<Task>;
  getTask(taskId: string): Promise<Task | null>;
  listTasks(query?: TaskQuery): Promise<Task[]>;
  /** Claims one task under a lease. Exactly one concurrent claimer wins; the others get `conflict`. An expired claim can be taken over. */
  claimTask(taskId: string, instanceId: string, options: ClaimOptions): Promise<Task>;
  /** Claims the oldest open task that fits and whose dependencies are done, or null when none. */
  claimNext(instanceId: string, options: ClaimNextOptions): Promise<Task | null>;
  /** Extends the owner's lease, without a history entry (renewals are frequent). Not the owner → `not_owner`; lease already expired → `lease_expired`. */
  renewLease(taskId: string, instanceId: string, options: ClaimOptions): Promise<Task>;
  /** Completes a task with evidence; only the current owner with a live lease may. */
  completeTask(taskId: string, instanceId: string, completion: TaskCompletion): Promise<Task>;
  /** Marks a task failed with a reason; only the current owner with a live lease may. */
  failTask(taskId: string, instanceId: string, reason: string): Promise<Task>;
  /** Gives a claimed task back to the board. */
  releaseTask(taskId: string, instanceId: string): Promise<Task>;
  /** Returns every expired claim to the board; returns the tasks re-offered. */
  reofferExpired(): Promise<Task[]>;
  /**
   * Sends a finished (done or failed) task back to the board: open, no owner, its evidence cleared and its result
   * replaced by `reason` (text, not blank), so whoever claims it next reads why; history action `reopened`.
   * An open or claimed task → `conflict`; unknown → `not_found`.
   */
  reopenTask(taskId: string, reason: string): Promise<Task>;

  openProposal(proposal: NewProposal): Promise<Proposal>;
  getProposal(proposalId: string): Promise<Proposal | null>;
  listProposals(query?: { state?: 'open' | 'closed' }): Promise<Proposal[]>;
  /** One vote per voter per round; a second → `already_voted`; a closed proposal → `closed`; an option not offered → `invalid_input`. */
  castVote(vote: NewVote): Promise<Vote>;
  listVotes(proposalId: string): Promise<Vote[]>;
  tally(proposalId: string): Promise<Tally>;
  /** Closes every open proposal whose quorum is met or whose deadline has passed; returns those closed. */
  closeDue(): Promise<Proposal[]>;
  /** Closes a proposal now; `winner` settles a tie (by the tie-breaker). */
  closeProposal(proposalId: string, options?: { winner?: string }): Promise<Proposal>;
  /**
   * The human's override: an open proposal closes, a closed one's decision is replaced; the outcome becomes
   * `vetoed` (no winner) with who vetoed it and why, and the history records it as `vetoed`. Vetoing it again →
   * `closed`; unknown → `not_found`; a veto without a reason → `invalid_input`.
   */
  vetoProposal(proposalId: string, veto: Veto): Promise<Proposal>;

  /**
   * Takes or renews a role lease. Succeeds (returning the lease) when it is free, expired, or already held by
   * `holder`; returns null while another holder's lease is live. At most one holder at any instant.
   */
  acquireRoleLease(name: string, holder: string, options: { ttlMs: number }): Promise<RoleLease | null>;
  /** Gives a role lease up; false when `holder` did not hold it. */
  releaseRoleLease(name: string, holder: string): Promise<boolean>;
  /** The live lease on a role, or null when nobody holds it (or the lease expired). */
  getRoleLease(name: string): Promise<RoleLease | null>;

  /**
   * Records that an instance covered files or areas (each once per call, counted per instance and area). Writes
   * no history entry: coverage grows with every read and is read on demand (`listCoverage`).
   */
  recordCoverage(instanceId: string, areas: readonly string[], via: string): Promise<void>;
  /** The coverage map, by area then instance; optionally one instance's only. */
  listCoverage(query?: { instance?: string }): Promise<CoverageEntry[]>;

  /** Adds an item to collective memory, indexed for full-text search. Writing an `id` again returns the stored item when it repeats it (kind, content, author, importance, tags, sources); otherwise rejects with `conflict`. */
  remember(item: NewMemoryItem): Promise<MemoryItem>;
  getMemory(memoryId: string): Promise<MemoryItem | null>;
  /** Full-text search, best first. Any query text is safe: it is matched as words, never as syntax. */
  searchMemory(query: string, options?: MemorySearchOptions): Promise<MemoryHit[]>;
  listMemory(options: MemoryListOptions): Promise<MemoryItem[]>;
  countMemory(): Promise<number>;

  /**
   * Writes a document whole under `namespace` and `key` (both 1–200 characters), replacing any earlier value:
   * working state one process keeps for itself (an instance's notebook) and others may read. `value` must be
   * JSON of at most 1,000,000 characters, else `invalid_input`. Durable on return; not part of the history.
   */
  putDocument(namespace: string, key: string, value: unknown): Promise<StoredDocument>;
  /** The document under `namespace` and `key`, or null when none was written. */
  getDocument(namespace: string, key: string): Promise<StoredDocument | null>;
  /** Every document of `namespace`, ordered by key. Malformed rows are reported and skipped. */
  listDocuments(namespace: string): Promise<StoredDocument[]>;

  /** The ordered history of every change, `seq > after`. */
  readHistory(query: HistoryQuery): Promise<HistoryEvent[]>;
  /** Highest history `seq` so far (0 when none). */
  lastHistorySeq(): Promise<number>;
  /** The history, now and as it grows. */
  followHistory(query: FollowQuery): AsyncIterable<HistoryEvent>;

  /** Releases the store's resources; followers end. Idempotent. */
  close(): Promise<void>;
}
