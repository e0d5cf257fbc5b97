import { join } from 'node:path';
import Database from 'libsql';
import type { HistoryEvent, Message } from '../../src/protocol/index.js';
import type { CollectiveStore } from '../../src/store/index.js';

/** What a soak phase measured, from the store after the run stopped (and from the phase itself). */
export interface SoakFigures {
  brain: string;
  instances: number;
  instanceKills: number;
  orchestratorKills: number;
  /** Questions `tachikoma send` reported sent. */
  sent: number;
  /** Distinct soak questions in the store. */
  stored: number;
  /** Questions stored more than once, plus answers stored twice with the same text for one question by one instance. */
  duplicated: number;
  /** Questions answered by their instance with a second, different text (a turn replayed after a kill -9, whose brain chose otherwise). */
  reanswered: number;
  /** Questions with no answer from their instance. */
  unanswered: number;
  /** Questions missing one of their turn's effects (answer; for the scripted brain also its memory note). */
  lostEffects: number;
  tasksDoneTwice: number;
  /** Places where message or history sequence numbers skip (both counted here; each below). */
  sequenceGaps: number;
  messageGaps: number[];
  historyGaps: number[];
  integrity: string;
  orphans: number;
  restartMs: number[];
  resumeMs: number[];
}

async function allMessages(store: CollectiveStore): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const page = await store.readMessages({ audience: { all: true }, after: messages.at(-1)?.seq ?? 0, limit: 1000 });
    messages.push(...page);
    if (page.length < 1000) return messages;
  }
}

async function allHistory(store: CollectiveStore): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for (;;) {
    const page = await store.readHistory({ after: events.at(-1)?.seq ?? 0, limit: 1000 });
    events.push(...page);
    if (page.length < 1000) return events;
  }
}

/** The sequence numbers that do not follow the one before (the first must be 1). */
function gaps(seqs: readonly number[]): number[] {
  return seqs.filter((seq, index) => seq !== (index === 0 ? 1 : (seqs[index - 1] ?? 0) + 1));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    if (name !== undefined) groups.set(name, [...(groups.get(name) ?? []), item]);
  }
  return groups;
}

function integrityOf(runDirectory: string): string {
  const db = new Database(join(runDirectory, 'collective.db'), { readonly: true });
  try {
    const rows = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
    return rows.map((row) => row.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

function sequenceGaps(messageSeqs: readonly number[], historySeqs: readonly number[]): { sequenceGaps: number; messageGaps: number[]; historyGaps: number[] } {
  const messageGaps = gaps(messageSeqs);
  const historyGaps = gaps(historySeqs);
  return { sequenceGaps: messageGaps.length + historyGaps.length, messageGaps, historyGaps };
}

/** Counts, from the store, what the soak promises: every question once, answered once, every effect kept. */
export async function measureStore(store: CollectiveStore, runDirectory: string, notesInMemory: boolean): Promise<Omit<SoakFigures, 'brain' | 'instances' | 'instanceKills' | 'orchestratorKills' | 'sent' | 'orphans' | 'restartMs' | 'resumeMs'>> {
  const messages = await allMessages(store);
  const questions = messages.filter((message) => message.from === 'human' && message.content.startsWith('soak question '));
  const byText = groupBy(questions, (message) => message.content);
  const answers = groupBy(messages.filter((message) => message.type === 'answer'), (message) => `${message.from} ${JSON.stringify(message.metadata.inReplyTo)}`);
  const memory = notesInMemory ? await store.listMemory({ order: 'recency', limit: 1000 }) : [];
  let duplicated = [...byText.values()].filter((copies) => copies.length > 1).length;
  let reanswered = 0;
  let unanswered = 0;
  let lostEffects = 0;
  for (const question of questions) {
    const replies = answers.get(`${question.to} ${JSON.stringify(question.id)}`) ?? [];
    if (replies.length === 0) unanswered += 1;
    if (new Set(replies.map((reply) => reply.content)).size < replies.length) duplicated += 1;
    else if (replies.length > 1) reanswered += 1;
    const noted = !notesInMemory || memory.some((item) => item.content.startsWith(`${question.to} was asked ${question.id}:`));
    if (replies.length === 0 || !noted) lostEffects += 1;
  }
  const completions = groupBy(messages.filter((message) => message.type === 'task_complete'), (message) => JSON.stringify(message.metadata.taskId));
  return {
    stored: byText.size,
    duplicated,
    reanswered,
    unanswered,
    lostEffects,
    tasksDoneTwice: [...completions.values()].filter((copies) => copies.length > 1).length,
    ...sequenceGaps(messages.map((message) => message.seq), (await allHistory(store)).map((event) => event.seq)),
    integrity: integrityOf(runDirectory),
  };
}
