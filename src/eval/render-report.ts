import type { ConditionTotals, EvalResult } from './eval-result.js';
import type { Condition } from './run-condition.js';

/** The report's chart file, written next to report.md. */
export const CHART_FILE = 'chart.svg';

function percent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value * 100)}%`;
}

function usd(value: number): string {
  return value === 0 ? '$0' : `$${value.toFixed(value < 0.01 ? 4 : 2)}`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[character] ?? character);
}

function rows(result: EvalResult): Array<[Condition, ConditionTotals]> {
  return result.conditions.flatMap((condition) => {
    const totals = result.totals[condition];
    return totals === undefined ? [] : [[condition, totals] as [Condition, ConditionTotals]];
  });
}

/**
 * Two bar groups side by side: recall per condition (0–100%) and cost per condition (scaled to the largest;
 * tokens stand in when no condition cost anything, as with local models).
 */
export function renderChart(result: EvalResult): string {
  const entries = rows(result);
  const useCost = entries.some(([, totals]) => totals.costUsd > 0);
  const costOf = (totals: ConditionTotals): number => (useCost ? totals.costUsd : totals.inputTokens + totals.outputTokens);
  const maxCost = Math.max(...entries.map(([, totals]) => costOf(totals)), 0);
  const barHeight = 22;
  const height = 50 + entries.length * (barHeight + 8);
  const bars = entries.map(([condition, totals], index) => {
    const y = 40 + index * (barHeight + 8);
    const recallWidth = Math.round(totals.recall * 220);
    const costWidth = maxCost === 0 ? 0 : Math.round((costOf(totals) / maxCost) * 220);
    const costText = useCost ? usd(totals.costUsd) : `${totals.inputTokens + totals.outputTokens} tokens`;
    return [
      `<text x="8" y="${y + 15}">${escapeXml(condition)}</text>`,
      `<rect x="100" y="${y}" width="${recallWidth}" height="${barHeight}" fill="#3b82f6"/>`,
      `<text x="${106 + recallWidth}" y="${y + 15}">${percent(totals.recall)}</text>`,
      `<rect x="400" y="${y}" width="${costWidth}" height="${barHeight}" fill="#f59e0b"/>`,
      `<text x="${406 + costWidth}" y="${y + 15}">${escapeXml(costText)}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="${height}" font-family="sans-serif" font-size="13">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="100" y="24" font-weight="bold">Recall (found / seeded)</text><text x="400" y="24" font-weight="bold">${useCost ? 'Cost (USD)' : 'Tokens (in + out)'}</text>`,
    ...bars,
    '</svg>',
    '',
  ].join('\n');
}

function textBar(fraction: number, width = 20): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

function totalsTable(result: EvalResult): string[] {
  return [
    '| condition | recall | found / seeded | precision | fixes passed | model calls | tokens in / out (cached) | cost | wall s | ended by itself | claims lost | duplicate findings |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows(result).map(([condition, totals]) =>
      `| ${condition} | ${textBar(totals.recall, 10)} ${percent(totals.recall)} | ${totals.found} / ${totals.seeded} | ${percent(totals.precision)} | ${totals.fixesPassed} / ${totals.fixProblems} | ${totals.modelCalls} | ${totals.inputTokens} / ${totals.outputTokens} (${totals.cachedInputTokens}) | ${usd(totals.costUsd)} | ${totals.wallSeconds} | ${totals.endedByItself} / ${totals.problems} | ${totals.claimsLost} | ${totals.duplicateFindings} |`,
    ),
  ];
}

function problemTables(result: EvalResult): string[] {
  return result.problems.flatMap((problem) => [
    '',
    `### ${problem.name} (${problem.package}@${problem.version}, ${problem.kind}, ${problem.seeded} seeded)`,
    '',
    '| condition | found | precision | hidden test | calls | tokens | cost | wall s | end | most-read files |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...result.conditions.flatMap((condition) => {
      const metrics = problem.conditions[condition];
      if (metrics === undefined) return [];
      if (metrics.error !== undefined) return [`| ${condition} | error: ${metrics.error.replaceAll('|', '\\|').slice(0, 200)} | | | | | | | | |`];
      const reads = Object.entries(metrics.readsPerFile).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([path, count]) => `${path} ×${count}`).join(', ');
      const hidden = metrics.hiddenTestsPassed === null ? '–' : metrics.hiddenTestsPassed ? 'pass' : 'fail';
      return [`| ${condition} | ${metrics.found} / ${metrics.seeded} | ${percent(metrics.precision)} | ${hidden} | ${metrics.modelCalls} | ${metrics.inputTokens + metrics.outputTokens} | ${usd(metrics.costUsd)} | ${metrics.wallSeconds} | ${metrics.endReasons.join(', ')} | ${reads || '–'} |`];
    }),
  ]);
}

/** The Markdown report: settings, totals with text bars, the chart, and a table per problem. */
export function renderReport(result: EvalResult): string {
  return [
    '# Tachikoma eval',
    '',
    `Set \`${result.set}\` · brain \`${result.brain}\`${result.model === null ? '' : ` · model \`${result.model}\``} · ${result.instances} instances · token budget per problem ${result.maxTokens ?? 'none'} · line tolerance ±${result.lineTolerance} · ${result.startedAt} to ${result.finishedAt}`,
    '',
    '## Totals',
    '',
    ...totalsTable(result),
    '',
    `![recall and cost per condition](${CHART_FILE})`,
    '',
    '## Per problem',
    ...problemTables(result),
    '',
  ].join('\n');
}
