import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintSimilarity, isNearDuplicate } from './near-duplicate.js';

const FINDING = 'SQL injection in src/api/users.ts: getUser builds the query by concatenating req.query.id into the SQL string (line 42).';

describe('isNearDuplicate', () => {
  it('matches re-reports that differ in case, punctuation, spacing or a word or two', () => {
    expect(isNearDuplicate(FINDING, FINDING)).toBe(true);
    expect(isNearDuplicate(FINDING, FINDING.replace('SQL injection', 'sql INJECTION').replace(/ /g, '  ').replace(/\.$/, '!'))).toBe(true);
    expect(isNearDuplicate(FINDING, `Confirmed: ${FINDING}`)).toBe(true);
    expect(isNearDuplicate(FINDING, FINDING.replace('line 42', 'line 43'))).toBe(true);
    expect(isNearDuplicate(FINDING, `${FINDING} Still present.`)).toBe(true);
  });

  it('never merges findings about other code', () => {
    expect(isNearDuplicate(FINDING, FINDING.replace('src/api/users.ts', 'src/api/orders.ts'))).toBe(false);
    expect(isNearDuplicate(FINDING, FINDING.replace('getUser', 'getOrder'))).toBe(false);
    expect(isNearDuplicate(FINDING, FINDING.replace('req.query.id', 'req.body.id'))).toBe(false);
    expect(isNearDuplicate('lodash 4.17.4 has a prototype pollution CVE', 'lodash 4.17.21 has a prototype pollution CVE')).toBe(false);
  });

  it('never merges a statement with its negation', () => {
    expect(isNearDuplicate('The upload handler escapes file names before use.', 'The upload handler does not escape file names before use.')).toBe(false);
    expect(isNearDuplicate('Input is validated in the signup form.', "Input isn't validated in the signup form.")).toBe(false);
  });

  it('does not merge different findings about the same code', () => {
    expect(isNearDuplicate(FINDING, 'Missing timeout in src/api/users.ts: getUser waits on req.query.id lookups forever (line 42).')).toBe(false);
    expect(isNearDuplicate('XSS in src/ui/profile.tsx: bio rendered with innerHTML.', 'CSRF in src/ui/profile.tsx: bio form has no token.')).toBe(false);
  });

  it('respects the threshold and handles empty text', () => {
    const reworded = 'SQL injection in src/api/users.ts: getUser concatenates req.query.id into the SQL (line 42).';
    const similarity = fingerprintSimilarity(fingerprint(FINDING), fingerprint(reworded));
    expect(similarity).toBeGreaterThan(0.3);
    expect(similarity).toBeLessThan(0.7);
    expect(isNearDuplicate(FINDING, reworded)).toBe(false);
    expect(isNearDuplicate(FINDING, reworded, 0.3)).toBe(true);
    expect(isNearDuplicate('', '')).toBe(true);
    expect(isNearDuplicate('', FINDING)).toBe(false);
  });
});
