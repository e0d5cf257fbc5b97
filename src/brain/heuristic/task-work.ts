import { z } from 'zod';
import { shiftPersonality } from '../../collective/personality.js';
import { TASK_PREFERENCES } from '../../collective/roles.js';
import { THEMES, themeOfCategory } from '../../collective/themes.js';
import type { Task } from '../../protocol/index.js';
import { type AuditFindingResult, auditResult, evidenceOfText, findingText } from './audit-result.js';
import { composeReport } from './compose-report.js';
import { fileListResult, memoryListResult, taskKind, taskOrNull, taskPaths, tasksResult } from './heuristic-state.js';
import { act, tryUse, use } from './tool-calls.js';
import type { TurnScope } from './turn-scope.js';

const EXPERIENCE: Record<string, 'risky' | 'tests' | 'structure' | 'debt'> = {
  risky_pattern: 'risky', untested: 'tests', import_cycle: 'structure', duplication: 'structure', long_function: 'structure', complexity: 'structure', size: 'structure', todo: 'debt',
};

/** Shares the strongest findings (how many depends on thoroughness) and returns the evidence of the shared ones. */
async function shareFindings(scope: TurnScope, findings: readonly AuditFindingResult[], base: number, unit: string): Promise<string[]> {
  const count = Math.max(1, Math.round(base * (0.6 + 0.8 * scope.state.personality.thoroughness)));
  const shared = [...findings].sort((a, b) => b.severity - a.severity).slice(0, count);
  for (const finding of shared) {
    await act(scope.tools, 'share_finding', {
      content: findingText(finding).slice(0, 60_000),
      evidence: finding.evidence.slice(0, 20),
      tags: [finding.category, `theme:${themeOfCategory(finding.category)?.key ?? 'other'}`, `unit:${unit}`.slice(0, 64)],
      importance: Math.round(finding.severity * 1000) / 1000,
    });
    const experience = EXPERIENCE[finding.category];
    if (experience !== undefined) scope.state.personality = shiftPersonality(scope.state.personality, { kind: 'found', category: experience });
  }
  return shared.flatMap((finding) => finding.evidence.slice(0, 2));
}

async function audit(scope: TurnScope, task: Task): Promise<{ result: string; evidence: string[] }> {
  const cross = taskKind(task.id) === 'cross';
  let paths = taskPaths(task.detail);
  if (!cross && paths.length === 0) {
    const folder = /\b(?:focus on|audit)\s+(\S+)/i.exec(`${task.title} ${task.detail}`)?.[1];
    paths = (await use(scope.tools, 'list_files', folder === undefined ? { limit: 200 } : { folder, limit: 200 }, fileListResult)).files;
  }
  const report = await use(scope.tools, 'audit_files', cross ? { cross: true } : { paths }, auditResult);
  const evidence = await shareFindings(scope, report.findings, cross ? scope.options.findingsPerTask * 1.5 : scope.options.findingsPerTask, task.title.replace(/^Audit /, ''));
  const byCategory = new Map<string, number>();
  for (const finding of report.findings) byCategory.set(finding.category, (byCategory.get(finding.category) ?? 0) + 1);
  const counts = [...byCategory.entries()].map(([category, count]) => `${count} ${category}`).join(', ');
  if (!cross && scope.state.askedQuestions === 0 && report.findings[0] !== undefined) {
    const top = report.findings[0];
    await act(scope.tools, 'ask', { question: `Has anyone seen ${top.category.replace('_', ' ')} problems outside ${top.path}? I found: ${top.title}` });
    scope.state.askedQuestions += 1;
  }
  return {
    result: `${report.findings.length} finding(s) in ${report.files} file(s)${counts === '' ? '' : `: ${counts}`}`,
    evidence: evidence.length > 0 ? evidence : [`${paths[0] ?? 'report.md'}:1`],
  };
}

async function synthesise(scope: TurnScope): Promise<{ result: string; evidence: string[] }> {
  const findings = await use(scope.tools, 'list_memory', { kind: 'finding', order: 'importance', limit: 1000 }, memoryListResult);
  const evidence: string[] = [];
  let themes = 0;
  for (const theme of THEMES) {
    const members = findings.filter((item) => item.tags.some((tag) => theme.categories.includes(tag)));
    if (members.length === 0) continue;
    const files = new Set(members.flatMap((item) => evidenceOfText(item.content).map((reference) => reference.replace(/:\d+$/, ''))));
    const strongest = members.slice(0, 3).map((item) => item.content.split('\n')[0] ?? '').join('; ');
    const importance = Math.min(1, (members.reduce((sum, item) => sum + item.importance, 0) / members.length) * (0.7 + Math.min(0.3, members.length / 30)));
    await act(scope.tools, 'synthesize', {
      content: `Theme — ${theme.recommendation}: ${members.length} finding(s) across ${files.size} file(s). Strongest: ${strongest}`.slice(0, 60_000),
      sourceIds: members.slice(0, 200).map((item) => item.id),
      tags: [`theme:${theme.key}`],
      importance: Math.round(importance * 1000) / 1000,
    });
    evidence.push(...members.slice(0, 1).flatMap((item) => evidenceOfText(item.content).slice(0, 1)));
    themes += 1;
  }
  return { result: `${themes} theme(s) from ${findings.length} finding(s)`, evidence: evidence.length > 0 ? evidence : ['report.md:1'] };
}

async function writeReport(scope: TurnScope): Promise<{ result: string; evidence: string[] }> {
  const markdown = await composeReport(scope);
  await use(scope.tools, 'write_report', { markdown }, z.unknown());
  return { result: `report.md written (${markdown.split('\n').length} lines)`, evidence: ['report.md:1'] };
}

/** Picks an open task this instance fits, preferring its role's kinds of work, and claims it. */
async function claimPreferred(scope: TurnScope): Promise<Task | null> {
  const open = await use(scope.tools, 'list_tasks', { state: 'open' }, tasksResult);
  const done = new Set((await use(scope.tools, 'list_tasks', { state: 'done' }, tasksResult)).map((task) => task.id));
  const preferences = TASK_PREFERENCES[scope.role];
  const rank = (task: Task): number => {
    const index = preferences.indexOf(taskKind(task.id));
    return index === -1 ? preferences.length : index;
  };
  const fitting = open
    .filter((task) => (task.requiredRole === null || task.requiredRole === scope.role) && task.dependsOn.every((id) => done.has(id)))
    .sort((a, b) => rank(a) - rank(b));
  for (const task of fitting) {
    const claimed = await tryUse(scope.tools, 'claim_task', { taskId: task.id }, taskOrNull);
    if (claimed !== null) return claimed;
  }
  return null;
}

/** Does one task (the held one, or a newly claimed one); returns false when there was nothing to do. */
export async function workOnTask(scope: TurnScope): Promise<boolean> {
  const task = scope.context.currentTask ?? (await claimPreferred(scope));
  if (task === null) return false;
  try {
    const kind = taskKind(task.id);
    const outcome = kind === 'synthesis' ? await synthesise(scope) : kind === 'report' ? await writeReport(scope) : await audit(scope, task);
    const error = await act(scope.tools, 'complete_task', { taskId: task.id, result: outcome.result, evidence: outcome.evidence.slice(0, 50) });
    scope.notes.push(error === null ? `completed ${task.id}: ${outcome.result}` : `could not complete ${task.id}: ${error}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await act(scope.tools, 'fail_task', { taskId: task.id, reason: reason.slice(0, 4000) });
    scope.state.personality = shiftPersonality(scope.state.personality, { kind: 'task_failed' });
    scope.notes.push(`failed ${task.id}: ${reason}`);
  }
  return true;
}
