import { describe, expect, it } from 'vitest';
import { inScope, overlappingEntries } from './task-scope.js';

describe('task scopes', () => {
  it('matches files, folders with or without a slash, globs and ./ prefixes', () => {
    expect(inScope('src/a.ts', ['src/'])).toBe(true);
    expect(inScope('src/a.ts', ['./src'])).toBe(true);
    expect(inScope('src/lib/a.ts', ['src/**/*.ts'])).toBe(true);
    expect(inScope('src/a.ts', ['src/a.ts'])).toBe(true);
    expect(inScope('srcx/a.ts', ['src'])).toBe(false);
    expect(inScope('lib/a.ts', ['src/', 'parsing'])).toBe(false);
    expect(inScope('README.md', ['.'])).toBe(true);
  });

  it('says which entries overlap another scope: nested folders, a file in a folder, globs by their folder', () => {
    expect(overlappingEntries(['src/a.ts', 'lib/'], ['src/'])).toEqual(['src/a.ts']);
    expect(overlappingEntries(['src/'], ['src/parser/x.ts'])).toEqual(['src/']);
    expect(overlappingEntries(['test/**/*.ts'], ['src/'])).toEqual([]);
    expect(overlappingEntries(['src/**/*.ts'], ['src/parser/'])).toEqual(['src/**/*.ts']);
    expect(overlappingEntries(['classes/range.js'], ['classes/semver.js', 'internal/'])).toEqual([]);
    expect(overlappingEntries(['.'], ['anything'])).toEqual(['.']);
  });
});
