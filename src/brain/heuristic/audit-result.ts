import { z } from 'zod';

/** An audit finding as the audit_files tool returns it. */
export const auditFindingResult = z.looseObject({
  category: z.string(),
  severity: z.number(),
  title: z.string(),
  detail: z.string(),
  evidence: z.array(z.string()),
  path: z.string(),
  key: z.string(),
});
export type AuditFindingResult = z.infer<typeof auditFindingResult>;

export const auditResult = z.looseObject({ files: z.number(), findings: z.array(auditFindingResult) });

/** The text a finding is remembered and shared as: title, detail, then its evidence line. */
export function findingText(finding: AuditFindingResult): string {
  return `${finding.title}\n${finding.detail}\nEvidence: ${finding.evidence.slice(0, 8).join(', ')}`;
}

/** The evidence references a remembered finding's text carries. */
export function evidenceOfText(content: string): string[] {
  const line = content.split('\n').find((entry) => entry.startsWith('Evidence: '));
  return line === undefined ? [] : line.slice('Evidence: '.length).split(', ').filter((entry) => entry.length > 0);
}
