import { compareText } from './audit-finding.js';

/** Longest cycle searched for; longer loops are still inside a reported strongly connected set of shorter ones in practice. */
export const MAX_CYCLE_LENGTH = 10;
/** Most cycles returned, so one tangled package cannot flood the report. */
export const MAX_CYCLES = 100;
/** Bound on search steps, keeping the worst case (dense graphs have exponentially many cycles) fast. */
const MAX_SEARCH_STEPS = 200_000;

/** Strongly connected components with at least two nodes (Tarjan, iterative), each sorted, in order of their first node. */
export function stronglyConnectedComponents(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const nodes = [...graph.keys()].sort(compareText);
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    index.set(root, counter);
    lowLink.set(root, counter);
    counter += 1;
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work.at(-1);
      if (frame === undefined) break;
      const targets = graph.get(frame.node) ?? [];
      const target = targets[frame.next];
      frame.next += 1;
      if (target !== undefined) {
        if (!index.has(target)) {
          index.set(target, counter);
          lowLink.set(target, counter);
          counter += 1;
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node) ?? 0, index.get(target) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent !== undefined) {
        lowLink.set(parent.node, Math.min(lowLink.get(parent.node) ?? 0, lowLink.get(frame.node) ?? 0));
      }
      if (lowLink.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1) components.push(component.sort(compareText));
    }
  }
  return components.sort((left, right) => compareText(left[0] ?? '', right[0] ?? ''));
}

/**
 * Elementary cycles of a directed graph, each reported once, starting at its smallest node (by code-unit order)
 * and following edges in sorted order; at most {@link MAX_CYCLES}, each at most {@link MAX_CYCLE_LENGTH} long.
 */
export function findElementaryCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  let steps = 0;
  for (const component of stronglyConnectedComponents(graph)) {
    const members = new Set(component);
    for (const start of component) {
      const path: string[] = [start];
      const onPath = new Set<string>([start]);
      const search = (node: string): void => {
        for (const target of [...(graph.get(node) ?? [])].sort(compareText)) {
          if (cycles.length >= MAX_CYCLES || steps >= MAX_SEARCH_STEPS) return;
          steps += 1;
          if (!members.has(target) || compareText(target, start) < 0) continue;
          if (target === start) {
            cycles.push([...path]);
          } else if (!onPath.has(target) && path.length < MAX_CYCLE_LENGTH) {
            path.push(target);
            onPath.add(target);
            search(target);
            path.pop();
            onPath.delete(target);
          }
        }
      };
      search(start);
    }
  }
  return cycles;
}
