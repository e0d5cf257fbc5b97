/** One schema step; applied in order, each once, recorded in the `schema_migrations` table. */
export interface PostgresMigration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Every schema version of the PostgreSQL store, oldest first. Never edit a released step: add one.
 * Records are JSON text (as in SQLite) so a foreign or damaged row can be stored, reported and skipped;
 * the columns beside them are what queries filter and sort on.
 *
 * Ordering: `counters` holds the last message and history seq. A writer takes the next seqs by updating that
 * one row, whose lock it then holds until its commit ends, so writers commit in seq order and a reader that
 * sees seq n already sees every lower seq. A transaction's history events are queued in `history_pending`;
 * a deferred trigger numbers them at COMMIT, so the lock is held only while the transaction commits and
 * never across a round trip to the client.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'messages, cursors, instances, tasks, proposals, votes, memory, history, role leases',
    sql: `
      CREATE TABLE counters (
        id integer PRIMARY KEY CHECK (id = 1),
        message_seq bigint NOT NULL,
        history_seq bigint NOT NULL
      );
      INSERT INTO counters (id, message_seq, history_seq) VALUES (1, 0, 0);
      CREATE TABLE messages (
        seq bigint PRIMARY KEY,
        id text NOT NULL UNIQUE,
        v integer NOT NULL,
        sender text NOT NULL,
        recipient text NOT NULL,
        type text NOT NULL,
        timestamp text NOT NULL,
        content text NOT NULL,
        metadata text NOT NULL
      );
      CREATE INDEX messages_by_recipient ON messages (recipient, seq);
      CREATE TABLE cursors (
        consumer text PRIMARY KEY,
        seq bigint NOT NULL,
        updated_at text NOT NULL
      );
      CREATE TABLE instances (
        id text PRIMARY KEY,
        v integer NOT NULL,
        status text NOT NULL,
        heartbeat_ms bigint NOT NULL,
        record text NOT NULL
      );
      CREATE TABLE tasks (
        id text PRIMARY KEY,
        v integer NOT NULL,
        position bigserial NOT NULL,
        state text NOT NULL,
        owner text,
        lease_ms bigint,
        required_role text,
        capability text,
        depends_on text[] NOT NULL DEFAULT '{}',
        record text NOT NULL
      );
      CREATE INDEX tasks_by_state ON tasks (state, position);
      CREATE INDEX tasks_claimable ON tasks (position) WHERE state IN ('open', 'claimed');
      CREATE TABLE proposals (
        id text PRIMARY KEY,
        v integer NOT NULL,
        position bigserial NOT NULL,
        state text NOT NULL,
        deadline_ms bigint NOT NULL,
        record text NOT NULL
      );
      CREATE INDEX proposals_by_state ON proposals (state, position);
      CREATE TABLE votes (
        proposal_id text NOT NULL,
        voter text NOT NULL,
        round integer NOT NULL,
        v integer NOT NULL,
        position bigserial NOT NULL,
        record text NOT NULL,
        PRIMARY KEY (proposal_id, voter, round)
      );
      CREATE TEXT SEARCH DICTIONARY tachikoma_stem (TEMPLATE = snowball, Language = english);
      CREATE TEXT SEARCH CONFIGURATION tachikoma_text (COPY = pg_catalog.english);
      ALTER TEXT SEARCH CONFIGURATION tachikoma_text
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH tachikoma_stem;
      CREATE TABLE memory (
        position bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        v integer NOT NULL,
        kind text NOT NULL,
        importance double precision NOT NULL,
        created_ms bigint NOT NULL,
        search tsvector NOT NULL,
        record text NOT NULL
      );
      CREATE INDEX memory_by_created ON memory (created_ms);
      CREATE INDEX memory_by_importance ON memory (importance, created_ms);
      CREATE INDEX memory_search ON memory USING gin (search);
      CREATE TABLE history (
        seq bigint PRIMARY KEY,
        at text NOT NULL,
        kind text NOT NULL,
        action text NOT NULL,
        entity_id text NOT NULL,
        data text
      );
      CREATE INDEX history_by_kind ON history (kind, seq);
      CREATE TABLE history_pending (
        id bigserial PRIMARY KEY,
        ats text[] NOT NULL,
        kinds text[] NOT NULL,
        actions text[] NOT NULL,
        entity_ids text[] NOT NULL,
        datas text[] NOT NULL
      );
      CREATE FUNCTION append_pending_history() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $body$
      DECLARE
        base bigint;
        n integer := cardinality(NEW.kinds);
      BEGIN
        UPDATE counters SET history_seq = history_seq + n WHERE id = 1 RETURNING history_seq - n INTO base;
        IF base IS NULL THEN
          RAISE EXCEPTION 'the counters row is missing' USING ERRCODE = 'XX001';
        END IF;
        INSERT INTO history (seq, at, kind, action, entity_id, data)
          SELECT base + e.ord, e.at, e.kind, e.action, e.entity_id, e.data
          FROM unnest(NEW.ats, NEW.kinds, NEW.actions, NEW.entity_ids, NEW.datas) WITH ORDINALITY AS e(at, kind, action, entity_id, data, ord);
        DELETE FROM history_pending WHERE id = NEW.id;
        PERFORM pg_notify('tachikoma_' || current_schema(), '');
        RETURN NULL;
      END
      $body$;
      CREATE CONSTRAINT TRIGGER append_pending_history AFTER INSERT ON history_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION append_pending_history();
      CREATE TABLE role_leases (
        name text PRIMARY KEY,
        holder text NOT NULL,
        term integer NOT NULL,
        acquired_at text NOT NULL,
        expires_ms bigint NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'coverage: which files and areas each instance has read, searched or audited',
    sql: `
      CREATE TABLE coverage (
        instance text NOT NULL,
        area text NOT NULL,
        via text NOT NULL,
        count integer NOT NULL,
        first_at text NOT NULL,
        last_at text NOT NULL,
        PRIMARY KEY (area, instance)
      );
    `,
  },
  {
    version: 3,
    description: 'documents (working state kept per namespace and key, e.g. an instance notebook)',
    sql: `
      CREATE TABLE documents (
        namespace text NOT NULL,
        key text NOT NULL,
        value text NOT NULL,
        updated_at text NOT NULL,
        revision integer NOT NULL,
        PRIMARY KEY (namespace, key)
      );
    `,
  },
];
