/**
 * A separate process writing messages into a run's store, as instances do: `paced <count> <perSecond>` prints
 * `{"id","at"}` for each message as it is committed; `burst <count>` publishes as fast as the store takes them.
 * The last line is `{"done": n}`.
 */
import { createSqliteStore } from '../../src/store/index.js';

const [path, mode, countText, rateText] = process.argv.slice(2);
if (path === undefined || (mode !== 'paced' && mode !== 'burst')) throw new Error('usage: writer-process <db> paced|burst <count> [perSecond]');
const count = Number(countText);
const store = createSqliteStore(path);
const senders = ['instance_1', 'instance_2', 'instance_3'];
const types = ['finding', 'question', 'answer', 'task_complete'] as const;

function message(index: number): Parameters<typeof store.publish>[0] {
  const from = senders[index % 3] ?? 'instance_1';
  const to = index % 5 === 0 ? 'broadcast' : (senders[(index + 1) % 3] ?? 'instance_2');
  return { id: `msg_bench_${mode}_${index}`, from, to, type: types[index % 4] ?? 'finding', content: `bench ${mode} message ${index}: src/module_${index % 50}.ts:${index % 400} looks worth a look` };
}

if (mode === 'paced') {
  const gapMs = 1000 / Number(rateText ?? '20');
  const start = Date.now();
  for (let index = 0; index < count; index += 1) {
    const due = start + index * gapMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    const published = await store.publish(message(index));
    process.stdout.write(`${JSON.stringify({ id: published.id, at: Date.now() })}\n`);
  }
} else {
  for (let start = 0; start < count; start += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - start) }, (_, offset) => store.publish(message(start + offset))));
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ done: count })}\n`);
