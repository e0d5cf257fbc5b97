import type { CoverageEntry } from '../store/index.js';

/** The coverage map for `status`: which areas each instance covered, and how much work overlapped. */
export interface CoverageSummary {
  /** Distinct files and areas covered by anyone. */
  areas: number;
  /** Every covering call counted (an instance reading a file twice counts twice). */
  reads: number;
  /** Instances that covered each area, on average: 1 means no two instances covered the same thing. */
  instancesPerArea: number;
  byInstance: Record<string, string[]>;
}

export function summariseCoverage(entries: readonly CoverageEntry[]): CoverageSummary {
  const areas = new Set(entries.map((entry) => entry.area));
  const byInstance: Record<string, string[]> = {};
  for (const entry of entries) (byInstance[entry.instance] ??= []).push(entry.area);
  return {
    areas: areas.size,
    reads: entries.reduce((sum, entry) => sum + entry.count, 0),
    instancesPerArea: areas.size === 0 ? 0 : Math.round((entries.length / areas.size) * 100) / 100,
    byInstance,
  };
}
