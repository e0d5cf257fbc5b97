import { focusQuery, memoryTokens } from '../../src/memory/index.js';
import type { MemoryItem, NewMemoryItem } from '../../src/protocol/index.js';
import type { LabelledCorpus } from './labelled-corpus.js';
import type { CorpusFacts } from './memory-report.js';

/** Lower-cased words of a text outside its code names (paths, dotted, snake_case or camelCase identifiers). */
function plainWords(text: string): Set<string> {
  const withoutCode = text
    .split(/\s+/)
    .filter((token) => !/[./_]\w/.test(token) && !/[a-z][A-Z]/.test(token))
    .join(' ');
  return new Set(focusQuery(withoutCode).split(' ').filter((word) => word !== ''));
}

function asStored(memory: NewMemoryItem): MemoryItem {
  return { ...memory, id: memory.id ?? 'unknown', tags: memory.tags ?? [], sourceIds: memory.sourceIds ?? [], createdAt: memory.createdAt ?? new Date().toISOString() };
}

/** How hard the labelled set is, and what carrying all of it as context would cost. */
export function corpusFacts(corpus: LabelledCorpus): CorpusFacts {
  const byId = new Map(corpus.memories.map((memory) => [memory.id, memory]));
  let planted = 0;
  let withoutSharedWord = 0;
  let byFileNameOnly = 0;
  for (const query of corpus.queries) {
    const queryWords = plainWords(query.text);
    const fileName = query.path.slice(query.path.lastIndexOf('/') + 1);
    for (const id of query.relevant) {
      const memory = byId.get(id);
      if (memory === undefined) continue;
      planted += 1;
      if (![...plainWords(memory.content)].some((word) => queryWords.has(word))) withoutSharedWord += 1;
      if (!memory.content.includes(query.path) && memory.content.includes(fileName)) byFileNameOnly += 1;
    }
  }
  const wholeMemoryTokens = corpus.memories.reduce((sum, memory) => sum + memoryTokens(asStored(memory)), 0);
  return { planted, withoutSharedWord, byFileNameOnly, wholeMemoryTokens };
}
