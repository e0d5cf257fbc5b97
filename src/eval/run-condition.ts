import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { type GovernorSettings, NO_USAGE, addUsage, governorSettingsSchema } from '../governor/budget.js';
import { runPaths } from '../core/run-paths.js';
import { DEFAULT_ROLE_CYCLE, type InstanceSpec } from '../orchestrator/run-config.js';
import { instanceIdFor } from '../protocol/index.js';
import { openStore } from '../store/index.js';
import { formatLocation } from './code-location.js';
import { type RunFacts, collectRunFacts } from './collect-run-facts.js';
import { checkoutIntegration, initLaneRepository } from './lane-repository.js';
import { majorityVote } from './majority-vote.js';
import { freshCopy } from './prepare-problem.js';
import { type EndReason, endedByItself, runOneCollective } from './run-one-collective.js';
import type { Finding } from './score-findings.js';

/** The ways a problem is worked on; `debate` is `vote` plus one round of seeing the others' answers. */
export const CONDITIONS = ['single', 'vote', 'collective', 'debate'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** What every condition shares on one problem. */
export interface ConditionSetup {
  brain: string;
  brainOptions: Record<string, z.core.util.JSONType>;
  instances: number;
  /** Token budget for the whole problem, split evenly between isolated voters. */
  maxTokens?: number;
  timeoutMs: number;
  quietMs: number;
  goal: string;
  /** The seeded package each run copies. */
  seeded: string;
  /** Folder this condition's copies and run directories go in. */
  folder: string;
  /**
   * A fix problem: each copy is a git repository, builders change it in their own worktrees, a vote merges their
   * changes into the run's integration branch, and the hidden tests judge that branch.
   */
  builders?: boolean;
  signal: AbortSignal;
}

/** A condition's answer and what it took. */
export interface ConditionOutcome {
  answer: Finding[];
  facts: RunFacts;
  endReasons: EndReason[];
  endedByItself: boolean;
  wallSeconds: number;
  /**
   * What the hidden tests judge (one, or one per voter): a checkout of the run's integration branch when builders
   * ran, else the workspace as the run left it.
   */
  workspaces: string[];
}

/**
 * The governor of every run: it counts usage (the eval reads it back) and holds the token budget. The offline
 * brains poll the board with identical calls by design, which the loop guard would refuse, so for them it is
 * relaxed to its widest; model brains keep the defaults.
 */
function governorFor(brain: string, maxTokens: number | undefined): GovernorSettings {
  return governorSettingsSchema.parse({
    ...(maxTokens === undefined ? {} : { collective: { tokens: Math.max(1, Math.floor(maxTokens)) } }),
    ...(brain === 'heuristic' || brain === 'scripted' ? { maxIdenticalCalls: 100, maxTurnsWithoutProgress: 1000 } : {}),
  });
}

function specs(count: number, setup: ConditionSetup, roles: readonly InstanceSpec['role'][]): InstanceSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    id: instanceIdFor(index + 1),
    role: roles[index % roles.length] ?? 'explorer',
    brain: setup.brain,
    brainOptions: setup.brainOptions,
  }));
}

interface Lane {
  workspace: string;
  runDirectory: string;
}

async function lane(setup: ConditionSetup, name: string): Promise<Lane> {
  const workspace = freshCopy(setup.seeded, join(setup.folder, name, 'workspace'));
  if (setup.builders === true) await initLaneRepository(workspace);
  return { workspace, runDirectory: join(setup.folder, name, 'run') };
}

/** What the hidden tests of a lane judge: its integration branch when builders ran (see ConditionOutcome). */
async function judged(setup: ConditionSetup, target: Lane): Promise<string> {
  if (setup.builders !== true) return target.workspace;
  return (await checkoutIntegration(target.workspace, target.runDirectory, join(dirname(target.runDirectory), 'integration'))).folder;
}

async function runLane(setup: ConditionSetup, target: Lane, instances: InstanceSpec[], maxTokens: number | undefined, resume = false): Promise<EndReason> {
  const { reason } = await runOneCollective({
    ...target, goal: setup.goal, instances, governor: governorFor(setup.brain, maxTokens), timeoutMs: setup.timeoutMs, quietMs: setup.quietMs, signal: setup.signal, resume,
  });
  return reason;
}

function mergeFacts(all: readonly RunFacts[]): RunFacts {
  const readsPerFile: Record<string, number> = {};
  for (const facts of all) for (const [path, count] of Object.entries(facts.readsPerFile)) readsPerFile[path] = (readsPerFile[path] ?? 0) + count;
  return {
    findings: all.flatMap((facts) => facts.findings),
    usage: all.reduce((sum, facts) => addUsage(sum, facts.usage), NO_USAGE),
    claimsLost: all.reduce((sum, facts) => sum + facts.claimsLost, 0),
    readsPerFile,
  };
}

/** One collective on one copy: `single` (one builder: it finds, decides and reports alone) or `collective`. */
async function runShared(setup: ConditionSetup, instances: InstanceSpec[]): Promise<Omit<ConditionOutcome, 'wallSeconds'>> {
  const target = await lane(setup, 'run');
  const reason = await runLane(setup, target, instances, setup.maxTokens);
  const facts = await collectRunFacts(target.runDirectory, target.workspace);
  return { answer: facts.findings, facts, endReasons: [reason], endedByItself: endedByItself(reason), workspaces: [await judged(setup, target)] };
}

/** The message each isolated voter gets in the debate round: every other voter's findings. */
function debateMessage(others: readonly Finding[]): string {
  const lines = others.map((finding) => `- ${finding.locations.map(formatLocation).join(', ') || '(no location)'}: ${finding.content.slice(0, 300)}`);
  return [
    'Other reviewers worked on the same goal independently and reported these findings:',
    ...(lines.length > 0 ? lines : ['(none)']),
    'Check each against the code. Share as a finding (with path:line evidence) each one you now agree with and any defect you now see; then agree the goal is met again.',
  ].join('\n').slice(0, 60_000);
}

async function debateRound(setup: ConditionSetup, lanes: readonly Lane[], answers: readonly Finding[][], instances: InstanceSpec[], budget: number | undefined): Promise<EndReason[]> {
  return Promise.all(
    lanes.map(async (target, index) => {
      const store = await openStore(undefined, runPaths(target.runDirectory).store);
      try {
        const others = answers.filter((_, other) => other !== index).flat();
        await store.publish({ from: 'human', to: instances[0]?.id ?? 'instance_1', type: 'question', content: debateMessage(others), metadata: { debate: true } });
      } finally {
        await store.close();
      }
      return runLane(setup, target, instances, budget, true);
    }),
  );
}

/** N isolated collectives of one instance each (own store, own copy), merged by majority; `debate` adds a round. */
async function runIsolated(setup: ConditionSetup, debate: boolean): Promise<Omit<ConditionOutcome, 'wallSeconds'>> {
  const instances = specs(1, setup, ['builder']);
  const budget = setup.maxTokens === undefined ? undefined : setup.maxTokens / setup.instances;
  const lanes = await Promise.all(Array.from({ length: setup.instances }, (_, index) => lane(setup, `voter_${index + 1}`)));
  let endReasons = await Promise.all(lanes.map((target) => runLane(setup, target, instances, budget)));
  const collect = (): Promise<RunFacts[]> => Promise.all(lanes.map((target, index) => collectRunFacts(target.runDirectory, target.workspace, `voter_${index + 1}/`)));
  let all = await collect();
  if (debate && !setup.signal.aborted) {
    endReasons = await debateRound(setup, lanes, all.map((facts) => facts.findings), instances, budget);
    all = await collect();
  }
  return {
    answer: majorityVote(all.map((facts) => facts.findings)),
    facts: mergeFacts(all),
    endReasons,
    endedByItself: endReasons.every(endedByItself),
    workspaces: await Promise.all(lanes.map((target) => judged(setup, target))),
  };
}

/** Runs one condition on one problem with real instance processes and returns its answer and costs. */
export async function runCondition(condition: Condition, setup: ConditionSetup): Promise<ConditionOutcome> {
  const started = performance.now();
  const outcome =
    condition === 'single'
      ? await runShared(setup, specs(1, setup, ['builder']))
      : condition === 'collective'
        ? await runShared(setup, specs(setup.instances, setup, DEFAULT_ROLE_CYCLE))
        : await runIsolated(setup, condition === 'debate');
  return { ...outcome, wallSeconds: Math.round((performance.now() - started) / 10) / 100 };
}
