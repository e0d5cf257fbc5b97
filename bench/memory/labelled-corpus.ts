import type { MemoryKind, NewMemoryItem } from '../../src/protocol/index.js';
import type { AuditTopic } from './audit-topic.js';
import { type CodeFile, codeFiles, directoryName, variableName } from './code-names.js';
import { QUALITY_TOPICS } from './quality-topics.js';
import { SECURITY_TOPICS } from './security-topics.js';
import { type SeededRandom, seededRandom } from './seeded-random.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Every memory is from the last MAX_AGE_DAYS days, planted and distractor alike. */
const MAX_AGE_DAYS = 30;
const AUTHORS = ['instance_1', 'instance_2', 'instance_3', 'instance_4', 'instance_5', 'instance_6', 'instance_7', 'instance_8'];
const TOPICS: readonly AuditTopic[] = [...SECURITY_TOPICS, ...QUALITY_TOPICS];
/** Notes that name code but report no issue: realistic chatter that shares the file and function words. */
const NOTES = [
  'Progress: reviewed {path}; nothing notable in {function}.',
  'Started auditing {directory}; {count} files left to read.',
  '{function} in {file} is the entry point for this flow; read it first.',
  'Handing {path} over to another instance; I am moving on to {directory}.',
  'Checked {function} ({file}) again after the last change, it looks fine now.',
  'Reminder: {path} is generated code, findings there go to the generator instead.',
];

/** A query with the ids of the memories planted as its answer. */
export interface LabelledQuery {
  text: string;
  topic: string;
  path: string;
  relevant: ReadonlySet<string>;
}

/** The memories to store (planted answers mixed among distractors, in random order) and the labelled queries. */
export interface LabelledCorpus {
  memories: NewMemoryItem[];
  queries: LabelledQuery[];
  planted: number;
}

/** What corpus to build: its seed, size, number of labelled queries and files, and the time ages count back from. */
export interface CorpusShape {
  seed: number;
  /** Total memories, planted included. */
  size: number;
  queries: number;
  files: number;
  /** The time ages are measured back from. */
  now: number;
}

interface Slots {
  path: string;
  file: string;
  function: string;
  variable: string;
  line: number;
}

function fill(template: string, slots: Slots & { directory?: string; count?: number }): string {
  return template.replace(/\{(path|file|function|variable|line|directory|count)\}/g, (_match, name: string) => String(slots[name as keyof typeof slots] ?? ''));
}

function kindOf(template: string): MemoryKind {
  if (template.startsWith('Decision')) return 'decision';
  return template.startsWith('Synthesis') ? 'synthesis' : 'finding';
}

class CorpusWriter {
  readonly memories: NewMemoryItem[] = [];
  constructor(
    private readonly random: SeededRandom,
    private readonly now: number,
  ) {}

  add(template: string, slots: Slots, tags: string[]): string {
    const kind = kindOf(template);
    const id = `bench_${this.memories.length.toString(36)}`;
    const low = kind === 'finding' ? 0.2 : 0.5;
    this.memories.push({
      id,
      kind,
      content: fill(template, { ...slots, directory: directoryName(this.random), count: this.random.integer(3, 80) }),
      tags,
      importance: Math.round((low + this.random.next() * (0.95 - low)) * 100) / 100,
      author: kind === 'synthesis' ? 'orchestrator' : this.random.pick(AUTHORS),
      createdAt: new Date(this.now - Math.floor(this.random.next() * MAX_AGE_DAYS * DAY_MS)).toISOString(),
    });
    return id;
  }

  tags(topic: AuditTopic, file: CodeFile): string[] {
    const tags: string[] = [];
    if (this.random.next() < 0.6) tags.push(topic.key);
    if (this.random.next() < 0.3) tags.push(file.file.replace(/\.\w+$/, ''));
    return tags;
  }
}

function issueSlots(random: SeededRandom, file: CodeFile): Slots {
  return { path: file.path, file: file.file, function: random.pick(file.functions), variable: variableName(random), line: random.integer(10, 900) };
}

/** 2..7 distinct paraphrases of one issue: mostly the same function, variable and line, sometimes not. */
function plantAnswers(random: SeededRandom, writer: CorpusWriter, topic: AuditTopic, file: CodeFile, issue: Slots): Set<string> {
  const templates = random.shuffle([...topic.findings, ...topic.decisions]);
  const count = random.integer(2, Math.min(7, templates.length));
  const relevant = new Set<string>();
  for (const template of templates.slice(0, count)) {
    const slots: Slots = {
      ...issue,
      function: random.next() < 0.85 ? issue.function : random.pick(file.functions),
      variable: random.next() < 0.85 ? issue.variable : variableName(random),
      line: issue.line + random.integer(-2, 2),
    };
    relevant.add(writer.add(template, slots, writer.tags(topic, file)));
  }
  return relevant;
}

/**
 * A labelled code-audit memory: for each query one issue (a topic in a file) with 2-7 paraphrased memories
 * planted as its answer (varied wording, kinds, importance and ages, drawn like everything else), then
 * distractors up to `size`: every other topic/file pair, and notes naming the same files and functions.
 * No distractor is about a query's topic in the query's file.
 */
export function labelledCorpus(shape: CorpusShape): LabelledCorpus {
  const random = seededRandom(shape.seed);
  const files = codeFiles(random, shape.files);
  const writer = new CorpusWriter(random, shape.now);
  const queries: LabelledQuery[] = [];
  const taken = new Set<string>();
  while (queries.length < shape.queries) {
    const topic = random.pick(TOPICS);
    const file = random.pick(files);
    const pair = `${topic.key} ${file.path}`;
    if (taken.has(pair)) continue;
    taken.add(pair);
    const issue = issueSlots(random, file);
    const relevant = plantAnswers(random, writer, topic, file, issue);
    queries.push({ text: fill(random.pick(topic.questions), issue), topic: topic.key, path: file.path, relevant });
  }
  const planted = writer.memories.length;
  while (writer.memories.length < shape.size) {
    const file = random.pick(files);
    if (random.next() < 0.1) {
      writer.add(random.pick(NOTES), issueSlots(random, file), []);
      continue;
    }
    const topic = random.pick(TOPICS);
    if (taken.has(`${topic.key} ${file.path}`)) continue;
    const template = random.next() < 0.85 ? random.pick(topic.findings) : random.pick(topic.decisions);
    writer.add(template, issueSlots(random, file), writer.tags(topic, file));
  }
  return { memories: random.shuffle(writer.memories), queries, planted };
}
