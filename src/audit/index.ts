export {
  AUDIT_CATEGORIES,
  clampSeverity,
  compareFindings,
  evidenceReference,
  scaledSeverity,
  type AuditCategory,
  type AuditFinding,
} from './audit-finding.js';
export { AuditError, type AuditErrorCode } from './audit-error.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES,
  SKIPPED_FOLDERS,
  createSourceFile,
  listSourceFiles,
  readSourceFile,
  readSourceFiles,
  type SourceFile,
} from './source-file.js';
export { isSourcePath, languageOfPath, type SourceLanguage } from './source-language.js';
export { isTestPath } from './test-path.js';
export { analyzeFile } from './analyze-file.js';
export { analyzeRepository } from './analyze-repository.js';
export { DEFAULT_FILES_PER_UNIT, planAuditUnits, type AuditUnit } from './module-map.js';
export { LONG_FILE_LINES } from './size-findings.js';
export { COMPLEX_FUNCTION_DECISIONS, DEEP_NESTING_LEVEL, LONG_FUNCTION_LINES } from './function-findings.js';
export { MIN_DUPLICATE_LINES } from './duplication-findings.js';
export { MIN_UNTESTED_CODE_LINES } from './untested-findings.js';
export { RISKY_PATTERN_RULES, type RiskyPatternRule } from './risky-pattern-rules.js';
