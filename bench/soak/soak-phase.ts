import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../../src/orchestrator/run-lock.js';
import { type SoakFigures, measureStore } from './soak-figures.js';
import { SoakOrchestrator, liveInstances, poll, readStore, tachikoma, untilAllLive } from './soak-collective.js';

/** What one soak phase does: which brain, how many instances, kills and messages. */
export interface SoakPlan {
  brain: 'heuristic' | 'scripted';
  instances: number;
  instanceKills: number;
  orchestratorKills: number;
  messages: number;
}

/** Answers each question from the human, and notes it in memory: two effects per question, both checkable. */
const SCRIPT = {
  version: 1,
  onMessage: [{
    match: { from: 'human', type: 'question' },
    calls: [
      { tool: 'answer', input: { to: 'human', inReplyTo: '{{id}}', answer: '{{self}} heard {{id}}' } },
      { tool: 'share_finding', input: { content: '{{self}} was asked {{id}}: {{content}}', tags: ['soak'] } },
    ],
  }],
};

function progress(text: string): void {
  process.stderr.write(`soak: ${text}\n`);
}

/** A real workspace: a copy of this project's own sources (the audit has real code to read). */
function createWorkspace(root: string, plan: SoakPlan): { workspace: string; runDirectory: string } {
  const workspace = join(root, `workspace-${plan.brain}`);
  mkdirSync(workspace, { recursive: true });
  cpSync(resolve(import.meta.dirname, '../../../src'), join(workspace, 'src'), { recursive: true });
  writeFileSync(join(workspace, 'script.json'), JSON.stringify(SCRIPT));
  const config = {
    brain: plan.brain, brainOptions: plan.brain === 'scripted' ? { script: 'script.json' } : {},
    heartbeatMs: 500, staleMs: 6000, idleCheckMs: 5000, stopTimeoutMs: 5000, maxRestarts: 100, restartWindowMs: 10_000,
  };
  writeFileSync(join(workspace, 'tachikoma.config.json'), JSON.stringify(config));
  return { workspace, runDirectory: join(workspace, '.tachikoma') };
}

/** Spreads `total` events over `slots` slots: which slot indexes get one. */
function spread(total: number, slots: number): Set<number> {
  return new Set(Array.from({ length: total }, (_, index) => Math.floor(((index + 1) * slots) / (total + 1))));
}

/**
 * One soak phase: starts the collective, then in rounds sends a question to each instance in turn and kills one
 * instance (kill -9), or the orchestrator (kill -9, then `run --resume`); waits each time until every instance
 * is back, timing it; at the end waits for every question to be answered, stops the run, and measures.
 */
export async function soakPhase(root: string, plan: SoakPlan): Promise<SoakFigures> {
  const { workspace, runDirectory } = createWorkspace(root, plan);
  const seenPids = new Set<number>();
  const restartMs: number[] = [];
  const resumeMs: number[] = [];
  let sent = 0;
  let orchestrator = new SoakOrchestrator(workspace, runDirectory, ['--instances', String(plan.instances)]);
  seenPids.add(orchestrator.pid);
  const firstUp = await untilAllLive(runDirectory, plan.instances, new Set(), 120_000);
  if (firstUp === null) throw new Error(`the ${plan.brain} collective did not come up: ${orchestrator.stderr}`);
  const rounds = Math.max(plan.instanceKills + plan.orchestratorKills, 1);
  const orchestratorRounds = spread(plan.orchestratorKills, rounds);
  const perRound = Math.ceil(plan.messages / rounds);
  for (let round = 0; round < rounds; round += 1) {
    for (const record of (await liveInstances(runDirectory)).values()) seenPids.add(record.pid ?? 0);
    for (let index = 0; index < perRound && sent < plan.messages; index += 1) {
      const to = `instance_${(sent % plan.instances) + 1}`;
      const result = await tachikoma(['send', '--run-dir', runDirectory, '--to', to, `soak question ${sent}: where are the stores opened?`]);
      if (result.status === 0) sent += 1;
      else progress(`send failed: ${result.stderr.trim()}`);
    }
    if (orchestratorRounds.has(round)) {
      orchestrator.kill();
      await orchestrator.exited;
      // Its instances notice the orchestrator is gone and stop; the resumed one starts them again.
      const before = new Set([...(await liveInstances(runDirectory)).values()].map((record) => record.pid ?? 0));
      await poll(() => Promise.resolve([...before].some(processAlive) ? undefined : true), 20_000);
      const started = performance.now();
      orchestrator = new SoakOrchestrator(workspace, runDirectory, ['--resume']);
      seenPids.add(orchestrator.pid);
      const up = await untilAllLive(runDirectory, plan.instances, before, 120_000);
      if (up === null) throw new Error(`run --resume did not bring the ${plan.brain} collective back: ${orchestrator.stderr}`);
      resumeMs.push(performance.now() - started);
      progress(`${plan.brain}: round ${round + 1}/${rounds}: orchestrator killed, resumed in ${Math.round(performance.now() - started)} ms`);
    } else {
      const live = [...(await liveInstances(runDirectory)).values()];
      const victim = live[round % Math.max(live.length, 1)];
      if (victim?.pid === undefined || victim.pid === null) continue;
      process.kill(victim.pid, 'SIGKILL');
      const up = await untilAllLive(runDirectory, plan.instances, new Set([victim.pid]), 60_000);
      if (up === null) throw new Error(`${victim.id} did not come back after kill -9`);
      restartMs.push(up);
      progress(`${plan.brain}: round ${round + 1}/${rounds}: ${victim.id} killed, back in ${Math.round(up)} ms`);
    }
  }
  const answered = await poll(async () => {
    const figures = await readStore(runDirectory, (store) => measureStore(store, runDirectory, plan.brain === 'scripted'));
    return figures.unanswered === 0 ? true : undefined;
  }, 120_000, 1000);
  if (answered === undefined) progress(`${plan.brain}: some questions were still unanswered after 120 s`);
  for (const record of (await liveInstances(runDirectory)).values()) seenPids.add(record.pid ?? 0);
  const stopped = await tachikoma(['stop', '--run-dir', runDirectory]);
  if (stopped.status !== 0) progress(`stop failed: ${stopped.stderr.trim()}`);
  await orchestrator.exited;
  await sleep(200);
  const orphans = await poll(() => Promise.resolve([...seenPids].some((pid) => pid > 0 && processAlive(pid)) ? undefined : []), 15_000) ?? [...seenPids].filter((pid) => pid > 0 && processAlive(pid));
  for (const pid of orphans) process.kill(pid, 'SIGKILL');
  const store = await readStore(runDirectory, (opened) => measureStore(opened, runDirectory, plan.brain === 'scripted'));
  return { ...store, brain: plan.brain, instances: plan.instances, instanceKills: restartMs.length, orchestratorKills: resumeMs.length, sent, orphans: orphans.length, restartMs, resumeMs };
}
