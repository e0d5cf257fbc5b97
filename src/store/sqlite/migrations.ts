/** One schema step; applied in order, each once, recorded in `PRAGMA user_version`. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Every schema version of the SQLite store, oldest first. Never edit a released step: add one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'messages, cursors, instances, tasks, proposals, votes, memory, history',
    sql: `
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        v INTEGER NOT NULL,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        type TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        content TEXT NOT NULL,
        metadata TEXT NOT NULL
      );
      CREATE INDEX messages_by_recipient ON messages (recipient, seq);
      CREATE TABLE cursors (
        consumer TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE instances (
        id TEXT PRIMARY KEY,
        v INTEGER NOT NULL,
        status TEXT NOT NULL,
        heartbeat_ms INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        v INTEGER NOT NULL,
        position INTEGER NOT NULL,
        state TEXT NOT NULL,
        owner TEXT,
        lease_ms INTEGER,
        required_role TEXT,
        capability TEXT,
        record TEXT NOT NULL
      );
      CREATE INDEX tasks_by_state ON tasks (state, position);
      CREATE TABLE proposals (
        id TEXT PRIMARY KEY,
        v INTEGER NOT NULL,
        position INTEGER NOT NULL,
        state TEXT NOT NULL,
        deadline_ms INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE TABLE votes (
        proposal_id TEXT NOT NULL,
        voter TEXT NOT NULL,
        round INTEGER NOT NULL,
        v INTEGER NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (proposal_id, voter, round)
      );
      CREATE TABLE memory (
        rowid INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        v INTEGER NOT NULL,
        kind TEXT NOT NULL,
        importance REAL NOT NULL,
        created_ms INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX memory_by_created ON memory (created_ms);
      CREATE INDEX memory_by_importance ON memory (importance, created_ms);
      CREATE VIRTUAL TABLE memory_fts USING fts5 (content, tags, tokenize = 'porter unicode61');
      CREATE TABLE history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        action TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        data TEXT
      );
    `,
  },
  {
    version: 2,
    description: 'role leases (the coordinator role)',
    sql: `
      CREATE TABLE role_leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        term INTEGER NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_ms INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'coverage: which files and areas each instance has read, searched or audited',
    sql: `
      CREATE TABLE coverage (
        instance TEXT NOT NULL,
        area TEXT NOT NULL,
        via TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_at TEXT NOT NULL,
        last_at TEXT NOT NULL,
        PRIMARY KEY (area, instance)
      );
    `,
  },
  {
    version: 4,
    description: 'documents (working state kept per namespace and key, e.g. an instance notebook)',
    sql: `
      CREATE TABLE documents (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        revision INTEGER NOT NULL,
        PRIMARY KEY (namespace, key)
      );
    `,
  },
];
