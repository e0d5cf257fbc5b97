import { describe } from 'vitest';
import { coverageCases } from './conformance-coverage.js';
import { documentCases } from './conformance-documents.js';
import { inputCases } from './conformance-input.js';
import { leaseCases } from './conformance-leases.js';
import { messageCases } from './conformance-messages.js';
import { proposalCases } from './conformance-proposals.js';
import { recordCases } from './conformance-records.js';
import type { ConformanceTarget } from './store-harness.js';
import { taskCases } from './conformance-tasks.js';

export type { ConformanceTarget, StoreHarness } from './store-harness.js';

/**
 * The one conformance suite of the CollectiveStore contract. Every backend calls this from its own test file
 * with a target that opens its store; a case it cannot pass goes in `target.skip` with the reason.
 */
export function runConformanceSuite(target: ConformanceTarget): void {
  describe(`CollectiveStore conformance: ${target.name}`, () => {
    messageCases(target);
    taskCases(target);
    proposalCases(target);
    recordCases(target);
    leaseCases(target);
    inputCases(target);
    coverageCases(target);
    documentCases(target);
  });
}
