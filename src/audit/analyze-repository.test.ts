import { afterAll, describe, expect, it } from 'vitest';
import { analyzeRepository } from './analyze-repository.js';
import type { AuditFinding } from './audit-finding.js';
import { normaliseLine } from './significant-lines.js';
import { createFixtureWorkspace, evidenceLines, lines } from '../../test/support/audit-fixture-workspace.js';

/** A module with `count` small functions whose every line mentions `name`, so modules never duplicate each other. */
function moduleWithFunctions(name: string, count: number, header: string[] = []): string {
  const body = Array.from({ length: count }, (_, index) => [
    `export function ${name}${index}(value: number): number {`,
    `  const ${name}Doubled${index} = value * ${index + 2};`,
    `  return ${name}Doubled${index} + ${index};`,
    '}',
  ]).flat();
  return lines(...header, ...body);
}

const SHARED_BLOCK = [
  'const rows = await database.select(table);',
  'const visible = rows.filter((row) => row.visible);',
  'const names = visible.map((row) => row.name.trim());',
  "const unique = [...new Set(names)].join(', ');",
  'logger.info(`loaded ${unique.length} names`);',
  'cache.set(table, unique);',
  'metrics.increment("rows.loaded", rows.length);',
  'return unique;',
];

const workspace = createFixtureWorkspace({
  'src/cycle/alpha.ts': lines("import { beta } from './beta.js';", 'export const alpha = (): number => beta() + 1;'),
  'src/cycle/beta.ts': lines('import {', '  gamma,', "} from './gamma';", 'export const beta = (): number => gamma() + 2;'),
  'src/cycle/gamma/index.ts': lines("import { alpha } from '../alpha.js';", 'export const gamma = (): number => (alpha ? 3 : 0);'),
  'src/typed/left.ts': lines("import type { Right } from './right.js';", 'export interface Left { right?: Right }'),
  'src/typed/right.ts': lines("import { type Left } from './left.js';", 'export const right = (left: Left) => left;'),
  'pkg/__init__.py': '',
  'pkg/first.py': lines('from .second import helper', '', 'def first():', '    return helper()'),
  'pkg/second.py': lines('from . import first', '', 'def helper():', '    return first'),
  'src/service/worker.ts': moduleWithFunctions('worker', 7, ["import { helper0 } from './helper.js';"]),
  'src/service/parser.ts': moduleWithFunctions('parser', 7),
  'src/service/parser.test.ts': lines("it('parses', () => {});"),
  'src/service/queue.ts': moduleWithFunctions('queue', 7, ["import { helper0 } from './helper.js';"]),
  'src/service/helper.ts': moduleWithFunctions('helper', 7),
  'test/queue-behaviour.test.ts': lines("import { queue0 } from '../src/service/queue.js';", "it('queues', () => queue0(1));"),
  'src/service/index.ts': lines("export { formatter0 } from './formatter.js';"),
  'src/service/formatter.ts': moduleWithFunctions('formatter', 7),
  'tests/barrel.spec.ts': lines("import { formatter0 } from '../src/service/index.js';", "it('formats', () => formatter0(1));"),
  'src/service/tiny.ts': moduleWithFunctions('tiny', 2),
  'src/service/publisher.ts': lines(
    'export class Publisher {',
    ...Array.from({ length: 7 }, (_, index) => [
      `  publish${index}(value: number): number {`,
      `    const published${index} = value * ${index + 2};`,
      `    return published${index} - ${index};`,
      '  }',
    ]).flat(),
    '}',
  ),
  'src/service/types.ts': lines(...Array.from({ length: 30 }, (_, index) => `export type Alias${index} = string;`)),
  'app/models.py': lines(...Array.from({ length: 12 }, (_, index) => [`def model_${index}(row):`, `    return row.model_${index}`]).flat()),
  'app/views.py': lines(...Array.from({ length: 12 }, (_, index) => [`def view_${index}(request):`, `    return request.view_${index}`]).flat()),
  'tests/test_views.py': lines('def test_views():', '    assert True'),
  'src/dup/first.ts': lines(
    "import { database } from './database.js';",
    "import { logger } from './logger.js';",
    'export async function loadFirst(table: string): Promise<string> {',
    ...SHARED_BLOCK.map((line) => `  ${line}`),
    '}',
  ),
  'src/dup/second.ts': lines(
    "import { database } from './database.js';",
    "import { logger } from './logger.js';",
    'export class Loader {',
    '  async loadSecond(table: string): Promise<string> {',
    '    if (!table) throw new Error("no table");',
    ...SHARED_BLOCK.map((line) => `    ${line.replace(' = ', '   =   ')}`),
    '  }',
    '}',
  ),
  'src/dup/third.ts': lines(
    "import { database } from './database.js';",
    "import { logger } from './logger.js';",
    'export function loadThird(table: string): string {',
    ...SHARED_BLOCK.slice(0, 5).map((line) => `  ${line}`),
    '  return "third";',
    '}',
  ),
});
afterAll(() => workspace.remove());

const findings = analyzeRepository(workspace.readAll());
const ofCategory = (category: AuditFinding['category']): AuditFinding[] =>
  findings.filter((finding) => finding.category === category);

describe('analyzeRepository: import cycles', () => {
  it('reports the 3-module cycle once, through .js→.ts mapping, a multi-line import and an index file', () => {
    const cycles = ofCategory('import_cycle').filter((finding) => finding.path.startsWith('src/'));
    expect(cycles).toHaveLength(1);
    const [cycle] = cycles;
    expect(cycle?.title).toBe(
      'import cycle: src/cycle/alpha.ts → src/cycle/beta.ts → src/cycle/gamma/index.ts → src/cycle/alpha.ts',
    );
    expect(cycle?.evidence).toEqual(['src/cycle/alpha.ts:1', 'src/cycle/beta.ts:3', 'src/cycle/gamma/index.ts:1']);
    const texts = evidenceLines(workspace, cycles).map((entry) => entry.text);
    expect(texts).toEqual(["import { beta } from './beta.js';", "} from './gamma';", "import { alpha } from '../alpha.js';"]);
  });

  it('ignores cycles closed only by type imports, and resolves Python relative imports', () => {
    expect(findings.some((finding) => finding.key.includes('src/typed/'))).toBe(false);
    const python = ofCategory('import_cycle').filter((finding) => finding.path.startsWith('pkg/'));
    expect(python.map((finding) => finding.evidence)).toEqual([['pkg/first.py:1', 'pkg/second.py:1']]);
    expect(evidenceLines(workspace, python).map((entry) => entry.text)).toEqual([
      'from .second import helper',
      'from . import first',
    ]);
  });
});

describe('analyzeRepository: untested modules', () => {
  const untested = new Map(ofCategory('untested').map((finding) => [finding.path, finding]));

  it('flags modules no test imports or is named after, citing their first exported function', () => {
    expect([...untested.keys()].sort()).toEqual([
      'app/models.py',
      'src/service/helper.ts',
      'src/service/publisher.ts',
      'src/service/worker.ts',
    ]);
    expect(untested.get('src/service/worker.ts')?.evidence).toEqual(['src/service/worker.ts:2']);
    expect(untested.get('src/service/publisher.ts')?.evidence).toEqual(['src/service/publisher.ts:1']);
    for (const { text } of evidenceLines(workspace, [...untested.values()])) {
      expect(text).toMatch(/^(export function|export class|def) /);
    }
  });

  it('rates a module that tests reach only indirectly lower, and says so', () => {
    const helper = untested.get('src/service/helper.ts');
    const worker = untested.get('src/service/worker.ts');
    expect(helper?.detail).toContain('indirectly');
    expect(worker?.detail).not.toContain('indirectly');
    expect(helper?.severity ?? 1).toBeLessThan(worker?.severity ?? 0);
  });
});

describe('analyzeRepository: duplication', () => {
  it('reports the shared block once with both copies as evidence, ignoring imports and trivial lines', () => {
    const duplicates = ofCategory('duplication');
    expect(duplicates).toHaveLength(1);
    const [duplicate] = duplicates;
    expect(duplicate?.evidence).toEqual(['src/dup/first.ts:4', 'src/dup/second.ts:6']);
    expect(duplicate?.title).toBe('src/dup/first.ts: 8 lines duplicated in src/dup/second.ts:6');
    const [first, second] = evidenceLines(workspace, duplicates).map((entry) => normaliseLine(entry.text));
    expect(first).toBe(normaliseLine(SHARED_BLOCK[0] ?? ''));
    expect(second).toBe(first);
  });
});

describe('analyzeRepository: contract', () => {
  it('does not depend on the order of its input and sorts most severe first', () => {
    expect(analyzeRepository(workspace.readAll().reverse())).toEqual(findings);
    const severities = findings.map((finding) => finding.severity);
    expect(severities).toEqual([...severities].sort((left, right) => right - left));
  });

  it('points every evidence reference at a real, non-blank line', () => {
    for (const { text, reference } of evidenceLines(workspace, findings)) expect(text.trim(), reference).not.toBe('');
    expect(new Set(findings.map((finding) => finding.key)).size).toBe(findings.length);
  });
});
