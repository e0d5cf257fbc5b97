import { describe, expect, it } from 'vitest';
import { MAX_CYCLE_LENGTH, MAX_CYCLES, findElementaryCycles, stronglyConnectedComponents } from './find-cycles.js';

function graph(edges: Record<string, string[]>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [from, targets] of Object.entries(edges)) {
    result.set(from, targets);
    for (const target of targets) if (!result.has(target)) result.set(target, []);
  }
  return result;
}

describe('findElementaryCycles', () => {
  it('finds a 3-module cycle once, starting at its smallest module', () => {
    expect(findElementaryCycles(graph({ c: ['a'], a: ['b'], b: ['c'], d: ['a'] }))).toEqual([['a', 'b', 'c']]);
  });

  it('reports each elementary cycle of overlapping loops exactly once', () => {
    const cycles = findElementaryCycles(graph({ a: ['b'], b: ['a', 'c'], c: ['a', 'b'] }));
    expect(cycles).toEqual([
      ['a', 'b'],
      ['a', 'b', 'c'],
      ['b', 'c'],
    ]);
  });

  it('finds nothing in an acyclic graph', () => {
    expect(findElementaryCycles(graph({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
  });

  it('stays bounded on a dense graph', () => {
    const nodes = Array.from({ length: 14 }, (_, index) => `n${String(index).padStart(2, '0')}`);
    const dense = graph(Object.fromEntries(nodes.map((node) => [node, nodes.filter((other) => other !== node)])));
    const cycles = findElementaryCycles(dense);
    expect(cycles.length).toBe(MAX_CYCLES);
    expect(Math.max(...cycles.map((cycle) => cycle.length))).toBeLessThanOrEqual(MAX_CYCLE_LENGTH);
  });
});

describe('stronglyConnectedComponents', () => {
  it('groups mutually reachable nodes and drops singletons', () => {
    expect(stronglyConnectedComponents(graph({ a: ['b'], b: ['a', 'c'], c: ['d'], d: ['c'], e: ['a'] }))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('handles a long chain without recursion limits', () => {
    const chain = Array.from({ length: 20_000 }, (_, index) => `m${index}`);
    const edges = Object.fromEntries(chain.map((node, index) => [node, [chain[(index + 1) % chain.length] ?? 'm0']]));
    const components = stronglyConnectedComponents(graph(edges));
    expect(components).toHaveLength(1);
    expect(components[0]).toHaveLength(20_000);
  });
});
