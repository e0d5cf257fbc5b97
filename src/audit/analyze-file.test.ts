import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from './analyze-file.js';
import type { AuditFinding } from './audit-finding.js';
import { LONG_FILE_LINES } from './size-findings.js';
import { byKey, createFixtureWorkspace, evidenceLines, lines } from '../../test/support/audit-fixture-workspace.js';

const repeat = (count: number, line: string): string[] => Array.from({ length: count }, () => line);

const workspace = createFixtureWorkspace({
  'src/big.ts': lines(...Array.from({ length: 2_000 }, (_, index) => `export const value${index} = ${index};`)),
  'src/medium.ts': lines(...Array.from({ length: 308 }, (_, index) => `export const value${index} = ${index};`), '', ''),
  'src/small.ts': lines(...repeat(120, 'export const small = 1;')),
  'src/long.ts': lines(
    'export function publishAll(items: string[]): number {',
    '  let total = 0;',
    ...repeat(70, '  total += items.length;'),
    '  return total;',
    '}',
    'class Store {',
    '  async flush(',
    '    reason: string,',
    '  ): Promise<void> {',
    ...repeat(65, '    await this.write(reason);'),
    '  }',
    '}',
    'export const render = async (value: number): Promise<string> => {',
    ...repeat(62, '  value += 1;'),
    '  return String(value);',
    '};',
    'const short = (x: number) => x + 1;',
  ),
  'src/long.py': lines(
    'class Importer:',
    '    def process(self, rows):',
    ...repeat(65, '        rows.append(1)'),
    '        return rows',
    '',
    'def tiny():',
    '    return 1',
  ),
  'src/branchy.ts': lines(
    'export function classify(n: number, flags: string[]): string {',
    '  if (n > 0) {',
    '    for (const flag of flags) {',
    '      while (n > 10) {',
    "        if (flag === 'a') {",
    '          try {',
    '            n -= 1;',
    '          } catch {',
    "            return 'x';",
    '          }',
    '        }',
    '        n -= 2;',
    '      }',
    '    }',
    '  }',
    ...Array.from({ length: 12 }, (_, index) => `  if (n === ${index} || n === ${index + 100}) return 'v${index}';`),
    "  return 'none';",
    '}',
    'export function simple(n: number): number {',
    '  return n > 0 ? n : -n;',
    '}',
  ),
  'src/callbacks.ts': lines(
    'export function guarded(groups: number[][]): number {',
    '  let total = 0;',
    '  for (const group of groups) {',
    '    if (group.some((value) => { return value > 0; })) {',
    '      while (total < 100) {',
    '        switch (group.length) {',
    '          case 1:',
    '            if (total > 50) {',
    '              total += 1;',
    '            }',
    '        }',
    '        total += 2;',
    '      }',
    '    }',
    '  }',
    '  return total;',
    '}',
    'export function chained(groups: number[][]): void {',
    '  groups.forEach((group) => {',
    '    group.forEach((value) => {',
    '      [value].forEach((inner) => {',
    '        [inner].forEach((deeper) => {',
    '          [deeper].forEach((deepest) => {',
    '            console.log(deepest);',
    '          });',
    '        });',
    '      });',
    '    });',
    '  });',
    '}',
  ),
  'src/nested.py': lines(
    'def walk(tree):',
    '    for node in tree:',
    '        if node:',
    '            while node.next:',
    '                with node.lock:',
    '                    if node.ready and node.valid:',
    '                        node.run()',
    '    return tree',
  ),
  'src/markers.ts': lines(
    '// TODO: fix the retry',
    'const s = "TODO: not a comment";',
    'const a = 1; // FIXME broken when empty',
    '// this comment only mentions TODO-style markers',
    '/* HACK: work around the driver */',
    'export const b = a;',
  ),
  'src/markers.py': lines('# XXX assumes utf-8', 'x = "# TODO not a comment"', 'y = 2  # TODO(ana): tidy'),
});
afterAll(() => workspace.remove());

function analyze(path: string): AuditFinding[] {
  return analyzeFile(workspace.read(path));
}

describe('analyzeFile: size', () => {
  it('reports long files, the longer one more severe, with the last line as evidence', () => {
    const big = byKey(analyze('src/big.ts'), 'size:src/big.ts');
    const medium = byKey(analyze('src/medium.ts'), 'size:src/medium.ts');
    expect(big.severity).toBeGreaterThan(medium.severity);
    expect(big.severity).toBeGreaterThanOrEqual(0.9);
    expect(medium.severity).toBeLessThan(0.35);
    expect(big.title).toBe('src/big.ts is 2000 lines long');
    expect(big.evidence).toEqual(['src/big.ts:2000']);
    expect(workspace.lineAt('src/big.ts:2000')).toBe('export const value1999 = 1999;');
    expect(medium.title).toBe('src/medium.ts is 310 lines long');
    expect(medium.evidence).toEqual(['src/medium.ts:308']);
    expect(analyze('src/small.ts').filter((finding) => finding.category === 'size')).toEqual([]);
    expect(LONG_FILE_LINES).toBeLessThan(310);
  });
});

describe('analyzeFile: long functions', () => {
  it('finds long declarations, methods and const arrows with their first and closing lines', () => {
    const findings = analyze('src/long.ts').filter((finding) => finding.category === 'long_function');
    expect(findings.map((finding) => finding.title).sort()).toEqual([
      'src/long.ts: function Store.flush is 69 lines long',
      'src/long.ts: function publishAll is 74 lines long',
      'src/long.ts: function render is 65 lines long',
    ]);
    for (const { finding, reference, text } of evidenceLines(workspace, findings)) {
      const name = /function (?:\w+\.)?(\w+)/.exec(finding.title)?.[1] ?? '';
      if (reference === finding.evidence[0]) expect(text).toContain(name);
      else expect(text.trim()).toMatch(/^}/);
    }
  });

  it('finds long Python defs by indentation and names methods after their class', () => {
    const finding = byKey(analyze('src/long.py'), 'long_function:src/long.py:Importer.process');
    expect(finding.evidence).toEqual(['src/long.py:2', 'src/long.py:68']);
    expect(workspace.lineAt('src/long.py:2')).toContain('def process');
    expect(workspace.lineAt('src/long.py:68')).toContain('return rows');
  });
});

describe('analyzeFile: complexity', () => {
  it('reports a function with many decisions and deep nesting, citing the deepest block and branch lines', () => {
    const findings = analyze('src/branchy.ts').filter((finding) => finding.category === 'complexity');
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding?.title).toMatch(/function classify has \d+ decision points and control blocks nested 5 deep/);
    expect(finding?.evidence[0]).toBe('src/branchy.ts:1');
    expect(finding?.evidence).toContain('src/branchy.ts:6');
    expect(workspace.lineAt('src/branchy.ts:6').trim()).toBe('try {');
    for (const { reference, text } of evidenceLines(workspace, findings).slice(1)) {
      expect(text, reference).toMatch(/\b(?:if|for|while|try|catch)\b|&&|\|\|/);
    }
  });

  it('counts control blocks, not callbacks, even when a callback sits inside a condition', () => {
    const findings = analyze('src/callbacks.ts').filter((finding) => finding.category === 'complexity');
    expect(findings.map((finding) => finding.key)).toEqual(['complexity:src/callbacks.ts:guarded']);
    expect(findings[0]?.evidence).toContain('src/callbacks.ts:8');
    expect(workspace.lineAt('src/callbacks.ts:8').trim()).toBe('if (total > 50) {');
  });

  it('measures Python nesting by indentation', () => {
    const finding = byKey(analyze('src/nested.py'), 'complexity:src/nested.py:walk');
    expect(finding.title).toContain('nested 5 deep');
    expect(finding.evidence).toContain('src/nested.py:6');
    expect(workspace.lineAt('src/nested.py:6')).toContain('if node.ready');
  });
});

describe('analyzeFile: TODO markers', () => {
  it('lists marker comments only, not strings or prose mentioning a marker', () => {
    const finding = byKey(analyze('src/markers.ts'), 'todo:src/markers.ts');
    expect(finding.evidence).toEqual(['src/markers.ts:1', 'src/markers.ts:3', 'src/markers.ts:5']);
    for (const { text } of evidenceLines(workspace, [finding])) expect(text).toMatch(/\/\/ (TODO|FIXME)|\/\* HACK/);
    expect(finding.detail).toContain('TODO: fix the retry');
  });

  it('reads Python comments', () => {
    const finding = byKey(analyze('src/markers.py'), 'todo:src/markers.py');
    expect(finding.evidence).toEqual(['src/markers.py:1', 'src/markers.py:3']);
  });
});


describe('analyzeFile: contract', () => {
  const paths = ['src/big.ts', 'src/long.ts', 'src/long.py', 'src/branchy.ts', 'src/callbacks.ts', 'src/markers.ts'];

  it('is deterministic and ordered most severe first', () => {
    for (const path of paths) {
      const first = analyze(path);
      expect(analyze(path)).toEqual(first);
      const severities = first.map((finding) => finding.severity);
      expect(severities).toEqual([...severities].sort((left, right) => right - left));
    }
  });

  it('gives every finding a unique key, a severity in 0..1 and evidence on real lines of its own file', () => {
    const findings = paths.flatMap(analyze);
    expect(new Set(findings.map((finding) => finding.key)).size).toBe(findings.length);
    for (const finding of findings) {
      expect(finding.severity).toBeGreaterThan(0);
      expect(finding.severity).toBeLessThanOrEqual(1);
      expect(finding.evidence.length).toBeGreaterThan(0);
      for (const reference of finding.evidence) {
        expect(reference.startsWith(`${finding.path}:`)).toBe(true);
        expect(workspace.lineAt(reference).trim()).not.toBe('');
      }
    }
  });
});
