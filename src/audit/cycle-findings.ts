import { clampSeverity, evidenceReference, type AuditFinding } from './audit-finding.js';
import { findElementaryCycles } from './find-cycles.js';
import type { ImportEdge } from './import-reference.js';

/**
 * One `import_cycle` finding per elementary cycle of load-time imports (type-only and lazy imports are ignored:
 * they cannot observe a half-initialised module). Evidence is the import line of each edge around the cycle.
 */
export function cycleFindings(edges: readonly ImportEdge[]): AuditFinding[] {
  const graph = new Map<string, string[]>();
  const lineOf = new Map<string, number>();
  for (const edge of edges) {
    if (edge.kind !== 'static') continue;
    const targets = graph.get(edge.from) ?? [];
    targets.push(edge.to);
    graph.set(edge.from, targets);
    if (!graph.has(edge.to)) graph.set(edge.to, []);
    const identity = `${edge.from}\n${edge.to}`;
    if (!lineOf.has(identity)) lineOf.set(identity, edge.line);
  }
  return findElementaryCycles(graph).map((cycle) => {
    const first = cycle[0] ?? '';
    const loop = [...cycle, first];
    const evidence = cycle.map((from, position) => {
      const to = loop[position + 1] ?? first;
      return evidenceReference(from, (lineOf.get(`${from}\n${to}`) ?? 0) + 1);
    });
    return {
      category: 'import_cycle',
      severity: clampSeverity(0.45 + 0.05 * Math.min(cycle.length - 2, 4)),
      title: `import cycle: ${loop.join(' → ')}`,
      detail:
        `${cycle.length} modules import each other in a loop (${loop.join(' → ')}). Whichever loads first sees ` +
        'the others half-initialised, and none can be understood or tested alone. Move the shared piece into a ' +
        'module both can import, or invert one dependency (pass it in instead of importing it).',
      evidence,
      path: first,
      key: `import_cycle:${cycle.join('>')}`,
    } satisfies AuditFinding;
  });
}
