import { z } from 'zod';
import { type Personality, initialPersonality, personalitySchema } from '../../collective/personality.js';
import { memoryItemSchema, proposalSchema, taskSchema, voteSchema } from '../../protocol/index.js';

/** Options of the heuristic brain (from config `brainOptions`). */
export const heuristicOptionsSchema = z.looseObject({
  /** Coordinator turns before the holder hands the role on. */
  coordinatorTermTurns: z.number().int().min(1).max(1000).default(6),
  /** Coordinator lease length, ms. */
  coordinatorLeaseMs: z.number().int().min(1000).max(600_000).default(9000),
  /** Files per audit task. */
  filesPerTask: z.number().int().min(1).max(200).default(12),
  /** A fixed starting personality (tests); otherwise derived from the instance id and `seed`. */
  personality: personalitySchema.optional(),
  seed: z.string().max(100).default(''),
  /** How long votes stay open, ms. */
  voteWindowMs: z.number().int().min(1000).max(3_600_000).default(20_000),
  /** Goal votes before the coordinator settles the goal itself. */
  maxGoalVotes: z.number().int().min(1).max(10).default(2),
  /** Findings shared per audit task at most (the rest stay in memory). */
  findingsPerTask: z.number().int().min(1).max(100).default(6),
});
export type HeuristicOptions = z.infer<typeof heuristicOptionsSchema>;

/** What a heuristic instance remembers between turns (rebuilt from the store after a restart). */
export interface HeuristicState {
  personality: Personality;
  coordinatorTurns: number;
  /** Iteration at which this instance last handed the coordinator role on; it waits before taking it again. */
  releasedAt: number | null;
  askedQuestions: number;
  announced: Set<string>;
  votedRounds: Set<string>;
  /** Whether this process has checked for a coordinator lease left by its previous life. */
  leftoverChecked: boolean;
}

/** Loads the personality persisted in the registry, or starts a fresh one. */
export function loadState(instanceId: string, metadata: Record<string, unknown>, options: HeuristicOptions): HeuristicState {
  const stored = personalitySchema.safeParse(metadata.personality);
  return {
    personality: stored.success ? stored.data : options.personality ?? initialPersonality(instanceId, options.seed),
    coordinatorTurns: 0,
    releasedAt: null,
    askedQuestions: 0,
    announced: new Set(),
    votedRounds: new Set(),
    leftoverChecked: false,
  };
}

/** A task as list_tasks shows it: the task, and whether it is blocked on unfinished dependencies. */
export const boardTaskResult = taskSchema.extend({ blocked: z.boolean().optional(), waitingOn: z.array(z.string()).optional() });
export const tasksResult = z.array(boardTaskResult);
export const taskResult = taskSchema;
export const taskOrNull = taskSchema.nullable();
export const proposalsResult = z.array(proposalSchema.extend({ votedByMe: z.boolean().optional() }));
/** What list_files answers: the files, and whether the list was cut at its limit. */
export const fileListResult = z.looseObject({ files: z.array(z.string()), cut: z.boolean() });
export const votesResult = z.array(voteSchema);
export const memoryHitsResult = z.array(z.looseObject({ item: memoryItemSchema, relevance: z.number() }));
export const memoryListResult = z.array(memoryItemSchema);
export const leaseResult = z.looseObject({ holder: z.string(), term: z.number(), expiresAt: z.string() }).nullable();

/** Deterministic ids of the heuristic audit's tasks and votes. */
export const IDS = {
  auditTask: (index: number) => `task_audit_${index + 1}`,
  crossTask: 'task_cross_module',
  synthesisTask: 'task_synthesis',
  reportTask: 'task_report',
  recommendation: 'prop_first_recommendation',
  goal: (round: number) => `prop_goal_met_${round}`,
} as const;

/** What kind of work a task id stands for. */
export function taskKind(taskId: string): 'audit' | 'cross' | 'synthesis' | 'report' | 'focus' | 'explore' | 'other' {
  if (taskId.startsWith('task_audit_')) return 'audit';
  if (taskId === IDS.crossTask) return 'cross';
  if (taskId === IDS.synthesisTask) return 'synthesis';
  if (taskId === IDS.reportTask) return 'report';
  if (taskId.startsWith('task_focus_')) return 'focus';
  if (taskId.startsWith('task_explore_')) return 'explore';
  return 'other';
}

/** The paths listed in a task's detail, one per line as `- path`. */
export function taskPaths(detail: string): string[] {
  return detail
    .split('\n')
    .filter((line) => line.startsWith('- '))
    .map((line) => line.slice(2).trim())
    .filter((path) => path.length > 0);
}
