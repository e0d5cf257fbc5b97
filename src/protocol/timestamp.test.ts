import { describe, expect, it } from 'vitest';
import { timestampSchema } from './common.js';

describe('timestampSchema', () => {
  it('normalises every ISO-8601 form to UTC with milliseconds and leaves the stored form as it is', () => {
    expect(timestampSchema.parse('2025-06-12T14:00:32Z')).toBe('2025-06-12T14:00:32.000Z');
    expect(timestampSchema.parse('2025-06-12T14:00Z')).toBe('2025-06-12T14:00:00.000Z');
    expect(timestampSchema.parse('2025-06-12T14:00:32.123456Z')).toBe('2025-06-12T14:00:32.123Z');
    expect(timestampSchema.parse('2025-06-12T15:00:32-01:00')).toBe('2025-06-12T16:00:32.000Z');
    expect(timestampSchema.parse('2025-06-12T14:00:32.123Z')).toBe('2025-06-12T14:00:32.123Z');
  });

  it('refuses anything else with one message saying what a timestamp looks like', () => {
    const messages = (value: string): string[] => timestampSchema.safeParse(value).error?.issues.map((issue) => issue.message) ?? [];
    for (const value of ['yesterday', '2026-02-30T00:00:00.000Z', '2025-06-12T14:00:32', '2025-06-12']) {
      expect(messages(value), value).toEqual(['timestamps are ISO-8601 date-times with a time zone, e.g. 2026-01-02T03:04:05.678Z or 2026-01-02T03:04:05Z']);
    }
    expect(messages('1970-01-01T00:00:00Z')).toEqual(['timestamp is not a real date between 2000 and 2200']);
  });
});
