import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  dropSchema,
  insertForeignMessages,
  terminateSessions,
  testPostgresUrl,
  uniqueSchema,
  withServer,
} from '../../../test/support/postgres-cluster.js';
import type { Message } from '../../protocol/index.js';
import type { CollectiveStore } from '../collective-store.js';
import { openStore } from '../open-store.js';
import { StoreError } from '../store-error.js';
import { take } from '../../../test/conformance/conformance-context.js';
import { type PostgresStoreOptions, createPostgresStore } from './create-postgres-store.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';

const url = testPostgresUrl('the PostgreSQL store resilience tests');

if (url === undefined) {
  describe.skip('postgres store: migrations, reconnects, wake-ups (TACHIKOMA_TEST_PG_URL is not set)', () => {
    it('needs a PostgreSQL server', () => undefined);
  });
} else {
  const server = url;
  describe('postgres store: migrations, reconnects, wake-ups', () => {
    let schema: string;
    let opened: CollectiveStore[];
    const open = (options: PostgresStoreOptions = {}): CollectiveStore => {
      const store = createPostgresStore(server, { schema, ...options });
      opened.push(store);
      return store;
    };
    const publishMany = (store: CollectiveStore, from: string, count: number, start = 0): Promise<Message[]> =>
      Promise.all(
        Array.from({ length: count }, (_, n) => store.publish({ from, to: 'broadcast', type: 'status', content: `${from} ${start + n}`, metadata: { index: start + n } })),
      );

    beforeEach(() => {
      schema = uniqueSchema('tk_resilience');
      opened = [];
    });
    afterEach(async () => {
      for (const store of opened) await store.close();
      await dropSchema(server, schema);
    });

    it('many handles opening a new collective at once migrate it exactly once', async () => {
      const handles = Array.from({ length: 8 }, () => open());
      expect(await Promise.all(handles.map((handle) => handle.lastMessageSeq()))).toEqual(Array.from({ length: 8 }, () => 0));
      const versions = await withServer(server, async (client) => (await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`)).rows);
      expect(versions).toEqual(POSTGRES_MIGRATIONS.map((migration) => ({ version: migration.version })));
    });

    it('refuses a collective written by a newer build', async () => {
      await open().lastMessageSeq();
      await withServer(server, (client) => client.query(`INSERT INTO ${schema}.schema_migrations VALUES (99, 'from the future', 'x')`));
      await expect(open().lastMessageSeq()).rejects.toThrow(new RegExp(`newer than this build's ${POSTGRES_MIGRATIONS.length}; upgrade tachikoma`));
    });

    it('followers wake on NOTIFY from another process, not on the slow poll', async () => {
      const writer = open();
      await writer.register({ id: 'instance_1', role: 'explorer' });
      const follower = open({ pollIntervalMs: 60_000 });
      const controller = new AbortController();
      const following = follower.followMessages({ all: true }, { after: 0, signal: controller.signal })[Symbol.asyncIterator]();
      // A first message delivered means the follower is running, and it listens before its first read.
      await writer.publish({ from: 'instance_1', to: 'broadcast', type: 'status', content: 'marker' });
      expect((await following.next()).value).toMatchObject({ content: 'marker' });
      const started = Date.now();
      await publishMany(writer, 'instance_1', 3);
      const received: Message[] = [];
      for (let index = 0; index < 3; index += 1) received.push((await following.next()).value as Message);
      expect(received).toHaveLength(3);
      // Well under the 60 s poll: woken by NOTIFY.
      expect(Date.now() - started).toBeLessThan(30_000);
      controller.abort();
    });

    it('history followers wake on NOTIFY sent at commit by any kind of write', async () => {
      const writer = open();
      const follower = open({ pollIntervalMs: 60_000 });
      await writer.register({ id: 'instance_1', role: 'explorer' });
      const after = await follower.lastHistorySeq();
      const controller = new AbortController();
      const following = follower.followHistory({ after, signal: controller.signal })[Symbol.asyncIterator]();
      // A first event delivered means the follower is running, and it listens before its first read.
      await writer.createTask({ title: 'marker', createdBy: 'orchestrator' });
      expect((await following.next()).value).toMatchObject({ kind: 'task', action: 'created' });
      const started = Date.now();
      const task = await writer.createTask({ title: 'wake the follower', createdBy: 'orchestrator' });
      await writer.claimTask(task.id, 'instance_1', { leaseMs: 10_000 });
      const received = [(await following.next()).value, (await following.next()).value] as Array<{ kind: string; action: string }>;
      expect(received.map((event) => `${event.kind}:${event.action}`)).toEqual(['task:created', 'task:claimed']);
      // Well under the 60 s poll: woken by NOTIFY.
      expect(Date.now() - started).toBeLessThan(30_000);
      controller.abort();
    });

    it('the same ids published at once from two connections are stored once and both callers get the stored message', async () => {
      const [first, second] = [open(), open()];
      await Promise.all([first?.lastMessageSeq(), second?.lastMessageSeq()]);
      const publishIds = (store: CollectiveStore | undefined): Promise<Message[]> =>
        Promise.all(Array.from({ length: 20 }, (_, n) => store?.publish({ id: `msg_same_${n}`, from: 'orchestrator', to: 'broadcast', type: 'status', content: `${n}` }) ?? Promise.reject(new Error('no store'))));
      const [mine, theirs] = await Promise.all([publishIds(first), publishIds(second)]);
      expect(theirs).toEqual(mine);
      expect(await first?.readMessages({ audience: { all: true }, after: 0 })).toHaveLength(20);
      expect(await first?.readHistory({ after: 0, kinds: ['message'] })).toHaveLength(20);
    });

    it('survives losing every connection: calls reconnect and a follower resumes after its last seq', async () => {
      const tag = randomBytes(4).toString('hex');
      const writer = open({ applicationName: `tk-writer-${tag}` });
      const reader = open({ applicationName: `tk-reader-${tag}`, pollIntervalMs: 200 });
      await writer.register({ id: 'instance_1', role: 'explorer' });
      const controller = new AbortController();
      const received = take(reader.followMessages({ all: true }, { after: 0, signal: controller.signal }), 300, 30_000);
      await publishMany(writer, 'instance_1', 100);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await terminateSessions(server, `tk-reader-${tag}`)).toBeGreaterThan(0);
      await publishMany(writer, 'instance_1', 100, 100);
      expect(await terminateSessions(server, `tk-writer-${tag}`)).toBeGreaterThan(0);
      await publishMany(writer, 'instance_1', 100, 200);
      const delivered = await received;
      expect(delivered.map((message) => message.metadata['index'])).toEqual(Array.from({ length: 300 }, (_, n) => n));
      expect(delivered.map((message) => message.seq)).toEqual(Array.from({ length: 300 }, (_, n) => n + 1));
      controller.abort();
      expect(await reader.lastMessageSeq()).toBe(300);
    });

    it('an unreachable server fails with unavailable after the reconnect timeout', async () => {
      const store = createPostgresStore('postgres://postgres:secret@127.0.0.1:1/postgres', { schema, reconnectTimeoutMs: 300, connectTimeoutMs: 200 });
      expect(store.location).not.toContain('secret');
      const started = Date.now();
      await expect(store.lastMessageSeq()).rejects.toSatisfy((error) => StoreError.hasCode(error, 'unavailable') && /cannot reach PostgreSQL/.test(error.message));
      expect(Date.now() - started).toBeLessThan(5000);
      await store.close();
    });

    it('handles publishing at once from many connections: each follower sees every message once, in one order', async () => {
      const writers = Array.from({ length: 4 }, () => open());
      await writers[0]?.register({ id: 'instance_1', role: 'explorer' });
      const followers = [open(), open()];
      const controller = new AbortController();
      const received = followers.map((follower) => take(follower.followMessages({ all: true }, { after: 0, signal: controller.signal }), 800, 30_000));
      await Promise.all(writers.map(async (writer, n) => {
        for (let burst = 0; burst < 10; burst += 1) await publishMany(writer, 'instance_1', 20, n * 1000 + burst * 20);
      }));
      const [first, second] = await Promise.all(received);
      controller.abort();
      const seqs = (first ?? []).map((message) => message.seq);
      expect(seqs).toEqual(Array.from({ length: 800 }, (_, n) => n + 1));
      expect((second ?? []).map((message) => message.id)).toEqual((first ?? []).map((message) => message.id));
    });

    it('a publish that meets a foreign row fails alone; valid publishes of the same turn are written', async () => {
      const store = open({ onBadRecord: () => undefined });
      await store.lastMessageSeq();
      const timestamp = new Date().toISOString();
      await insertForeignMessages(server, schema, [
        { id: 'foreign_row', v: 1, sender: 'orchestrator', recipient: 'broadcast', type: 'bogus', timestamp, content: 'x', metadata: '{}' },
      ]);
      const [valid, clashing] = await Promise.allSettled([
        store.publish({ from: 'orchestrator', to: 'broadcast', type: 'status', content: 'valid' }),
        store.publish({ id: 'foreign_row', from: 'orchestrator', to: 'broadcast', type: 'status', content: 'reuses the foreign id' }),
      ]);
      expect(valid).toMatchObject({ status: 'fulfilled', value: { content: 'valid', seq: 2 } });
      expect(clashing).toMatchObject({ status: 'rejected', reason: { code: 'corrupt' } });
    });

    it('openStore routes postgres:// and postgresql:// URLs here, with the schema from the URL', async () => {
      const withSchema = (base: string): string => {
        const parsed = new URL(base);
        parsed.searchParams.set('schema', schema);
        return parsed.toString();
      };
      const store = await openStore(withSchema(server), '/nonexistent/collective.db');
      opened.push(store);
      expect(store.backend).toBe('postgres');
      await store.register({ id: 'instance_1', role: 'explorer' });
      const other = await openStore(withSchema(server.replace(/^postgres:/, 'postgresql:')), '/nonexistent/collective.db');
      opened.push(other);
      expect((await other.listInstances()).map((record) => record.id)).toEqual(['instance_1']);
    });
  });
}
