export { MemoryError, type MemoryErrorCode } from './memory-error.js';
export { NEAR_DUPLICATE_THRESHOLD, type TextFingerprint, fingerprint, fingerprintSimilarity, isNearDuplicate } from './near-duplicate.js';
export { CHARS_PER_TOKEN, estimateTokens, memoryTokens, packContext, renderMemory } from './pack-context.js';
export { focusQuery } from './query-terms.js';
export { type RememberUniqueResult, rememberUnique } from './remember-unique.js';
export {
  DEFAULT_HALF_LIFE_MS,
  DEFAULT_RETRIEVAL_WEIGHTS,
  type RetrievalWeights,
  type RetrieveOptions,
  type ScoredMemory,
  recencyOf,
  retrieveMemory,
} from './retrieve-memory.js';
