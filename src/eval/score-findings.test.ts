import { describe, expect, it } from 'vitest';
import { parseLocations, parseOneLocation } from './code-location.js';
import { majorityVote } from './majority-vote.js';
import { type Finding, type KeyEntry, scoreFindings } from './score-findings.js';

const key: KeyEntry[] = [
  { location: { path: 'index.js', startLine: 52, endLine: 52 }, description: 'single-line defect' },
  { location: { path: 'lib/parse.js', startLine: 80, endLine: 84 }, description: 'ranged defect' },
];

function finding(id: string, evidence: string, author = 'instance_1'): Finding {
  return { id, author, content: `see ${evidence}`, locations: parseLocations(evidence) };
}

describe('parseLocations', () => {
  it('reads single lines, ranges, L-prefixes, columns and strips ./ and the workspace', () => {
    expect(parseLocations('index.js:52')).toEqual([{ path: 'index.js', startLine: 52, endLine: 52 }]);
    expect(parseLocations('bad at ./lib/a.js:L55-L52 and b.ts:7:3')).toEqual([
      { path: 'lib/a.js', startLine: 52, endLine: 55 },
      { path: 'b.ts', startLine: 7, endLine: 7 },
    ]);
    expect(parseLocations('/tmp/ws/src/x.js:9', '/tmp/ws')).toEqual([{ path: 'src/x.js', startLine: 9, endLine: 9 }]);
    expect(parseLocations('no location here, at 12:30')).toEqual([]);
  });

  it('wants exactly one location in a key entry', () => {
    expect(parseOneLocation('a.js:1-2')).toEqual({ path: 'a.js', startLine: 1, endLine: 2 });
    expect(parseOneLocation('a.js')).toMatch(/expected one path:line/);
  });
});

describe('scoreFindings', () => {
  it('counts an exact line as found', () => {
    const score = scoreFindings([finding('f1', 'index.js:52')], key);
    expect(score).toMatchObject({ seeded: 2, found: 1, recall: 0.5, correct: 1, precision: 1, duplicates: 0 });
    expect(score.defects[0]?.foundBy).toEqual(['f1']);
  });

  it('accepts a line off by one or two, not three', () => {
    expect(scoreFindings([finding('f1', 'index.js:53')], key).found).toBe(1);
    expect(scoreFindings([finding('f1', 'index.js:50')], key).found).toBe(1);
    const far = scoreFindings([finding('f1', 'index.js:55')], key);
    expect(far).toMatchObject({ found: 0, correct: 0, precision: 0 });
  });

  it('matches a range that overlaps the key range, or a line inside it', () => {
    expect(scoreFindings([finding('f1', 'lib/parse.js:70-81')], key).defects[1]?.foundBy).toEqual(['f1']);
    expect(scoreFindings([finding('f1', 'lib/parse.js:83')], key).found).toBe(1);
    expect(scoreFindings([finding('f1', 'lib/parse.js:60-77')], key).found).toBe(0);
  });

  it('does not match the right line in the wrong file', () => {
    const score = scoreFindings([finding('f1', 'other.js:52'), finding('f2', 'parse.js:82')], key);
    expect(score).toMatchObject({ found: 0, correct: 0, precision: 0, findings: 2 });
  });

  it('matches an absolute path inside the workspace by its relative form', () => {
    const absolute: Finding = { id: 'f1', author: 'a', content: '', locations: parseLocations('/work/copy/lib/parse.js:82', '/work/copy') };
    expect(scoreFindings([absolute], key).found).toBe(1);
  });

  it('counts a duplicate once for recall and reports it as a duplicate', () => {
    const score = scoreFindings(
      [finding('f1', 'index.js:52'), finding('f2', 'index.js:53', 'instance_2'), finding('f3', 'nowhere.js:1'), finding('f4', 'nowhere.js:1')],
      key,
    );
    expect(score).toMatchObject({ found: 1, findings: 4, duplicates: 2, correct: 1, precision: 0.5 });
    expect(score.scored.map((entry) => entry.duplicate)).toEqual([false, true, false, true]);
    expect(score.defects[0]?.foundBy).toEqual(['f1', 'f2']);
  });

  it('scores a finding without a location as wrong, and no findings as no precision', () => {
    expect(scoreFindings([{ id: 'f1', author: 'a', content: 'vague', locations: [] }], key)).toMatchObject({ correct: 0, precision: 0 });
    expect(scoreFindings([], key)).toMatchObject({ found: 0, recall: 0, precision: null });
  });
});

describe('majorityVote', () => {
  it('keeps places reported by more than half of the voters, once', () => {
    const merged = majorityVote([
      [finding('a1', 'index.js:52'), finding('a2', 'lonely.js:3')],
      [finding('b1', 'index.js:53'), finding('b2', 'lib/parse.js:81')],
      [finding('c1', 'lib/parse.js:80-82'), finding('c2', 'vague', 'instance_3')],
    ]);
    expect(merged.map((entry) => entry.locations)).toEqual([
      [{ path: 'index.js', startLine: 52, endLine: 52 }],
      [{ path: 'lib/parse.js', startLine: 81, endLine: 81 }],
    ]);
    expect(scoreFindings(merged, key)).toMatchObject({ found: 2, precision: 1 });
  });

  it('needs a strict majority: one of two voters is not enough', () => {
    expect(majorityVote([[finding('a1', 'index.js:52')], []])).toEqual([]);
  });
});
