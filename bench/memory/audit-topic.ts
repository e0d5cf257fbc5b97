/**
 * One kind of code-audit finding, in the words different instances would use. Templates name the code through
 * `{path}` (src/api/users.ts), `{file}` (users.ts), `{function}` (a function), `{line}` and `{variable}` (a variable).
 */
export interface AuditTopic {
  key: string;
  /** Ways a finding reports it; paraphrases of each other, deliberately not sharing all their words. */
  findings: readonly string[];
  /** Ways an instance asks the collective about it. */
  questions: readonly string[];
  /** Ways a decision or synthesis about it is worded. */
  decisions: readonly string[];
}
