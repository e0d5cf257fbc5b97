/**
 * `npm run soak [-- --quick]`: kill-and-abuse soak of a real collective. For the heuristic brain and then the
 * scripted brain, on a copy of this project's sources: starts N instances, sends questions to them throughout,
 * kills instances (kill -9) K times and the orchestrator (kill -9, then `run --resume`) a few times, waits until
 * every question is answered, stops the run and checks the store: every question stored once, answered once by
 * its instance with all its turn's effects kept, no task done twice, no sequence gap, `integrity_check` ok, no
 * process left behind. Prints one table, then one JSON line (the last line of stdout). Exits 1 when any check
 * fails. `--quick`: 2 instances, 3 instance kills, 1 orchestrator kill, 6 questions per brain. `--brain heuristic|scripted`:
 * that brain only. `--keep`: keep the workspaces and run folders (printed) to look into a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import type { SoakFigures } from './soak/soak-figures.js';
import { type SoakPlan, soakPhase } from './soak/soak-phase.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false }, brain: { type: 'string' } } });
const quick = values.quick;
const base = quick
  ? { instances: 2, instanceKills: 3, orchestratorKills: 1, messages: 6 }
  : { instances: 4, instanceKills: 12, orchestratorKills: 3, messages: 40 };
const plans: SoakPlan[] = ([{ brain: 'heuristic', ...base }, { brain: 'scripted', ...base }] as SoakPlan[]).filter((plan) => values.brain === undefined || plan.brain === values.brain);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
}

function problems(figures: SoakFigures): string[] {
  return [
    figures.stored === figures.sent ? null : `${figures.sent - figures.stored} question(s) lost`,
    figures.duplicated === 0 ? null : `${figures.duplicated} duplicated`,
    figures.unanswered === 0 ? null : `${figures.unanswered} unanswered`,
    figures.lostEffects === 0 ? null : `${figures.lostEffects} with lost effects`,
    figures.tasksDoneTwice === 0 ? null : `${figures.tasksDoneTwice} task(s) done twice`,
    figures.sequenceGaps === 0 ? null : `${figures.sequenceGaps} sequence gap(s)`,
    figures.integrity === 'ok' ? null : `integrity: ${figures.integrity}`,
    figures.orphans === 0 ? null : `${figures.orphans} orphan process(es)`,
  ].filter((problem) => problem !== null);
}

const root = mkdtempSync(join(tmpdir(), 'tachikoma-soak-'));
const started = performance.now();
const results: SoakFigures[] = [];
try {
  for (const plan of plans) results.push(await soakPhase(root, plan));
} finally {
  if (values.keep === true) process.stderr.write(`soak: kept ${root}\n`);
  else rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}
const table = new Table({ head: ['', ...results.map((figures) => figures.brain)], style: { head: [], border: [] } });
const row = (label: string, pick: (figures: SoakFigures) => string | number): void => void table.push([label, ...results.map((figures) => String(pick(figures)))]);
row('instances', (figures) => figures.instances);
row('kill -9 of an instance', (figures) => figures.instanceKills);
row('kill -9 of the orchestrator + run --resume', (figures) => figures.orchestratorKills);
row('messages sent / stored', (figures) => `${figures.sent} / ${figures.stored}`);
row('duplicated', (figures) => figures.duplicated);
row('unanswered (hangs)', (figures) => figures.unanswered);
row('replayed turns whose effects were lost', (figures) => figures.lostEffects);
row('re-answered differently after a kill', (figures) => figures.reanswered);
row('tasks done twice', (figures) => figures.tasksDoneTwice);
row('sequence gaps', (figures) => figures.sequenceGaps);
row('integrity_check', (figures) => figures.integrity);
row('orphan processes', (figures) => figures.orphans);
row('instance back after kill -9, median / max ms', (figures) => `${median(figures.restartMs)} / ${Math.round(Math.max(0, ...figures.restartMs))}`);
row('all instances back after resume, median / max ms', (figures) => `${median(figures.resumeMs)} / ${Math.round(Math.max(0, ...figures.resumeMs))}`);
const failures = results.flatMap((figures) => problems(figures).map((problem) => `${figures.brain}: ${problem}`));
process.stdout.write(`${table.toString()}\n`);
process.stdout.write(`${JSON.stringify({
  soak: quick ? 'quick' : 'full',
  seconds: Math.round((performance.now() - started) / 1000),
  ok: failures.length === 0,
  failures,
  phases: results.map((figures) => ({ ...figures, restartMs: figures.restartMs.map(Math.round), resumeMs: figures.resumeMs.map(Math.round) })),
})}\n`);
process.exitCode = failures.length === 0 ? 0 : 1;
