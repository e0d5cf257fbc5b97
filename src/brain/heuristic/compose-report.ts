import { type Personality, TRAITS, divergence, personalitySchema } from '../../collective/personality.js';
import { THEMES } from '../../collective/themes.js';
import type { MemoryItem } from '../../protocol/index.js';
import { evidenceOfText } from './audit-result.js';
import { memoryListResult, proposalsResult, tasksResult, votesResult } from './heuristic-state.js';
import { tryUse, use } from './tool-calls.js';
import type { TurnScope } from './turn-scope.js';

function firstLine(item: MemoryItem): string {
  return item.content.split('\n')[0] ?? '';
}

/** report.md: summary, findings by theme with evidence, decisions with their votes and dissent, the work done. */
export async function composeReport(scope: TurnScope): Promise<string> {
  const findings = await use(scope.tools, 'list_memory', { kind: 'finding', order: 'importance', limit: 1000 }, memoryListResult);
  const syntheses = await use(scope.tools, 'list_memory', { kind: 'synthesis', order: 'importance', limit: 100 }, memoryListResult);
  const proposals = await use(scope.tools, 'list_proposals', {}, proposalsResult);
  const tasks = await use(scope.tools, 'list_tasks', {}, tasksResult);
  const lines: string[] = ['# Audit report', ''];
  lines.push(`Goal: ${scope.context.goal}`, '');
  lines.push('## Summary', '');
  lines.push(`- ${findings.length} finding(s) shared by ${new Set(findings.map((item) => item.author)).size} instance(s), grouped into ${syntheses.length} theme(s).`);
  lines.push(`- ${tasks.filter((task) => task.state === 'done').length} task(s) done, ${tasks.filter((task) => task.state === 'failed').length} failed.`);
  for (const synthesis of syntheses) lines.push(`- ${synthesis.content.split('. Strongest:')[0] ?? synthesis.content}`);
  lines.push('', '## Findings by theme', '');
  for (const theme of THEMES) {
    const members = findings.filter((item) => item.tags.some((tag) => theme.categories.includes(tag)));
    if (members.length === 0) continue;
    lines.push(`### ${theme.recommendation}`, '');
    for (const item of members.slice(0, 25)) {
      const evidence = evidenceOfText(item.content).slice(0, 4).map((reference) => `\`${reference}\``).join(', ');
      lines.push(`- ${firstLine(item)} — ${evidence || 'no evidence'} _(${item.author})_`);
    }
    if (members.length > 25) lines.push(`- … and ${members.length - 25} more in collective memory`);
    lines.push('');
  }
  lines.push('## Decisions', '');
  const closed = proposals.filter((proposal) => proposal.state === 'closed');
  if (closed.length === 0) lines.push('No vote has closed yet.', '');
  for (const proposal of closed) {
    const outcome = proposal.outcome;
    lines.push(`### ${proposal.title}`, '');
    lines.push(`Outcome: **${outcome?.winner ?? outcome?.status ?? 'open'}** (${outcome?.status ?? '-'}, rule ${proposal.rule}, ${outcome?.votesCast ?? 0} vote(s), round ${proposal.round}).`, '');
    const votes = (await tryUse(scope.tools, 'read_votes', { proposalId: proposal.id }, votesResult)) ?? [];
    for (const vote of votes) {
      const dissent = outcome?.winner !== null && outcome?.winner !== undefined && vote.option !== outcome.winner ? ' — dissent' : '';
      lines.push(`- ${vote.voter} (round ${vote.round}): **${vote.option}** — ${vote.reason}${dissent}`);
    }
    lines.push('');
  }
  lines.push('## The collective', '');
  const members = [...scope.context.peers, null];
  const personalities: Personality[] = [];
  for (const peer of members) {
    const id = peer?.id ?? scope.self;
    const parsed = personalitySchema.safeParse(peer === null ? scope.state.personality : peer.metadata.personality);
    if (!parsed.success) continue;
    personalities.push(parsed.data);
    lines.push(`- ${id} (${peer?.role ?? scope.role}): ${TRAITS.map((trait) => `${trait} ${parsed.data[trait]}`).join(', ')}`);
  }
  const retried = tasks.filter((task) => task.attempts > 1);
  lines.push(`- Personality divergence (mean pairwise distance): ${divergence(personalities)}`);
  lines.push(`- Duplicate work: ${retried.length} of ${tasks.length} task(s) were claimed more than once (${retried.reduce((sum, task) => sum + task.attempts - 1, 0)} extra claim(s)); each was completed once.`, '');
  lines.push('## Work', '', '| task | state | owner | result |', '| --- | --- | --- | --- |');
  for (const task of tasks) lines.push(`| ${task.title.replace(/\|/g, '/')} | ${task.state} | ${task.owner ?? '-'} | ${(task.result ?? '').replace(/\|/g, '/').replace(/\n/g, ' ').slice(0, 120)} |`);
  lines.push('');
  return lines.join('\n');
}
