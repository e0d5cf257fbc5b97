import { z } from 'zod';
import { instanceIdSchema, shortText } from '../../protocol/index.js';
import { validateInput } from './records.js';

/** Areas one call may record at most (a read of 50 files, an audit of a few hundred). */
export const MAX_COVERAGE_AREAS = 500;

const coverageInputSchema = z.strictObject({
  instanceId: instanceIdSchema,
  areas: z.array(shortText(500).refine((value) => value.trim().length > 0, 'an area is empty')).max(MAX_COVERAGE_AREAS),
  via: shortText(50).refine((value) => value.trim().length > 0, 'via is empty'),
});

/** A validated coverage record: who, which areas (deduplicated, in order), through which tool. */
export function checkCoverage(instanceId: string, areas: readonly string[], via: string): { instanceId: string; areas: string[]; via: string } {
  const parsed = validateInput(coverageInputSchema, { instanceId, areas: [...areas], via }, 'coverage');
  return { ...parsed, areas: [...new Set(parsed.areas)] };
}

export interface CoverageRow {
  instance: string;
  area: string;
  via: string;
  count: number | string;
  first_at: string;
  last_at: string;
}
