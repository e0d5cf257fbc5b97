import { compareText } from './audit-finding.js';

/** Longest cycle searched for; longer loops are still inside a reported strongly connected set of shorter ones in practice. */
export const MAX_CYCLE_LENGTH = 10;
/** Most cycles returned, so one tangled package cannot flood the report. */
export const MAX_CYCLES = 100;
/** Bound on search steps, keeping the worst case (dense graphs have exponentially many cycles) fast. */
const MAX_SEARCH_STEPS = 200_000;

/** Tarjan's algorithm with an explicit work stack, so a long import chain cannot overflow the call stack. */
class TarjanSearch {
  private readonly index = new Map<string, number>();
  private readonly lowLink = new Map<string, number>();
  private readonly onStack = new Set<string>();
  private readonly stack: string[] = [];
  private readonly work: Array<{ node: string; next: number }> = [];
  readonly components: string[][] = [];

  constructor(private readonly graph: ReadonlyMap<string, readonly string[]>) {}

  run(root: string): void {
    if (this.index.has(root)) return;
    this.enter(root);
    for (let frame = this.work.at(-1); frame !== undefined; frame = this.work.at(-1)) {
      const target = (this.graph.get(frame.node) ?? [])[frame.next];
      frame.next += 1;
      if (target === undefined) this.leave(frame.node);
      else if (!this.index.has(target)) this.enter(target);
      else if (this.onStack.has(target)) this.lower(frame.node, this.index.get(target) ?? 0);
    }
  }

  private enter(node: string): void {
    this.index.set(node, this.index.size);
    this.lowLink.set(node, this.index.size - 1);
    this.stack.push(node);
    this.onStack.add(node);
    this.work.push({ node, next: 0 });
  }

  private lower(node: string, value: number): void {
    this.lowLink.set(node, Math.min(this.lowLink.get(node) ?? 0, value));
  }

  private leave(node: string): void {
    this.work.pop();
    const parent = this.work.at(-1);
    if (parent !== undefined) this.lower(parent.node, this.lowLink.get(node) ?? 0);
    if (this.lowLink.get(node) !== this.index.get(node)) return;
    const component: string[] = [];
    for (let member = this.stack.pop(); member !== undefined; member = this.stack.pop()) {
      this.onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1) this.components.push(component.sort(compareText));
  }
}

/** Strongly connected components with at least two nodes, each sorted, in order of their first node. */
export function stronglyConnectedComponents(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const search = new TarjanSearch(graph);
  for (const root of [...graph.keys()].sort(compareText)) search.run(root);
  return search.components.sort((left, right) => compareText(left[0] ?? '', right[0] ?? ''));
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
