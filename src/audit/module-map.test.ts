import { describe, expect, it } from 'vitest';
import { planAuditUnits } from './module-map.js';

const PATHS = [
  'src/store/sqlite/a.ts',
  'src/store/sqlite/b.ts',
  'src/store/index.ts',
  'src/cli/main.ts',
  'lib/util.js',
  'lib/deep/x.js',
  'test/cli.test.ts',
  'setup.py',
  'README-tool.ts',
];

describe('planAuditUnits', () => {
  it('groups by module under container folders and by top-level folder elsewhere', () => {
    expect(planAuditUnits(PATHS)).toEqual([
      { name: '(root)', paths: ['README-tool.ts', 'setup.py'] },
      { name: 'lib', paths: ['lib/deep/x.js', 'lib/util.js'] },
      { name: 'src/cli', paths: ['src/cli/main.ts'] },
      { name: 'src/store', paths: ['src/store/index.ts', 'src/store/sqlite/a.ts', 'src/store/sqlite/b.ts'] },
      { name: 'test', paths: ['test/cli.test.ts'] },
    ]);
  });

  it('splits big groups by sub-folder, then into chunks, never over the limit, each path exactly once', () => {
    const paths = [
      ...Array.from({ length: 7 }, (_, index) => `src/store/file-${index}.ts`),
      ...Array.from({ length: 3 }, (_, index) => `src/store/sqlite/s-${index}.ts`),
      ...Array.from({ length: 2 }, (_, index) => `src/store/testing/t-${index}.ts`),
      ...Array.from({ length: 4 }, (_, index) => `src/store/postgres/p-${index}.ts`),
    ];
    const units = planAuditUnits(paths, 5);
    for (const unit of units) expect(unit.paths.length).toBeLessThanOrEqual(5);
    expect(units.flatMap((unit) => unit.paths).sort()).toEqual([...paths].sort());
    expect(new Set(units.map((unit) => unit.name)).size).toBe(units.length);
    expect(units.map((unit) => unit.name)).toEqual([
      'src/store #1',
      'src/store #2',
      'src/store/postgres',
      'src/store (src/store/sqlite, src/store/testing)',
    ]);
  });

  it('is stable: the same paths in any order give the same units', () => {
    expect(planAuditUnits([...PATHS].reverse(), 2)).toEqual(planAuditUnits(PATHS, 2));
    expect(planAuditUnits([])).toEqual([]);
  });
});
