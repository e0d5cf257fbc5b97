import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { openExistingRun } from '../run-directory.js';

export interface ExportFlags {
  runDir?: string;
  /** The store to read, when this host has no run directory for it (e.g. postgres://… from another host). */
  store?: string;
  out?: string;
}

/** `tachikoma export`: the whole run as one JSON document (run record, registry, board, votes, memory, messages, history). */
export async function exportCommand(flags: ExportFlags): Promise<number> {
  const { store, record } = await openExistingRun(flags.runDir, flags.store);
  const output = flags.out === undefined ? process.stdout : createWriteStream(flags.out);
  const write = async (text: string): Promise<void> => {
    if (!output.write(text)) await once(output, 'drain');
  };
  try {
    const proposals = await store.listProposals();
    const votes = Object.fromEntries(await Promise.all(proposals.map(async (proposal) => [proposal.id, await store.listVotes(proposal.id)] as const)));
    await write(`{"exportVersion":1,"exportedAt":${JSON.stringify(new Date().toISOString())},"run":${JSON.stringify(record)}`);
    await write(`,"instances":${JSON.stringify(await store.listInstances())}`);
    await write(`,"tasks":${JSON.stringify(await store.listTasks())}`);
    await write(`,"proposals":${JSON.stringify(proposals)},"votes":${JSON.stringify(votes)}`);
    await write(`,"memory":${JSON.stringify(await store.listMemory({ order: 'recency', limit: 1000 }))}`);
    for (const [name, read] of [
      ['messages', (after: number) => store.readMessages({ audience: { all: true }, after, limit: 5000 })],
      ['history', (after: number) => store.readHistory({ after, limit: 5000 })],
    ] as const) {
      await write(`,"${name}":[`);
      let after = 0;
      let first = true;
      for (;;) {
        const page = await read(after);
        if (page.length === 0) break;
        for (const item of page) {
          await write(`${first ? '' : ','}${JSON.stringify(item)}`);
          first = false;
        }
        after = page.at(-1)?.seq ?? after;
      }
      await write(']');
    }
    await write('}\n');
    return 0;
  } finally {
    await store.close();
    if (output !== process.stdout) output.end();
  }
}
