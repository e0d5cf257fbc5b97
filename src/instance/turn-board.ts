import type { CoverageView, OpenProposalView } from '../brain/brain.js';
import type { CollectiveStore } from '../store/index.js';

/** Caps on what a turn is shown of the proposals and the coverage map. */
export const BOARD_LIMITS = { proposals: 10, coverageInstances: 32, coverageAreas: 60 } as const;

/** Open proposals, newest last, with this instance's vote state; counts only, never a choice. */
export async function openProposalsFor(store: CollectiveStore, self: string): Promise<OpenProposalView[]> {
  const open = (await store.listProposals({ state: 'open' })).slice(-BOARD_LIMITS.proposals);
  return Promise.all(
    open.map(async (proposal) => {
      const current = (await store.listVotes(proposal.id)).filter((vote) => vote.round === proposal.round);
      return {
        id: proposal.id, kind: proposal.kind, title: proposal.title, detail: proposal.detail, options: proposal.options, rule: proposal.rule, quorum: proposal.quorum,
        deadline: proposal.deadline, round: proposal.round, votesCast: current.length, votedByMe: current.some((vote) => vote.voter === self),
        createdBy: proposal.createdBy,
      };
    }),
  );
}

/** The coverage map by instance (this one first), each instance's most recent areas first, capped. */
export async function coverageFor(store: CollectiveStore, self: string): Promise<CoverageView[]> {
  const byInstance = new Map<string, Array<{ area: string; lastAt: string }>>();
  for (const entry of await store.listCoverage()) {
    const list = byInstance.get(entry.instance) ?? [];
    list.push({ area: entry.area, lastAt: entry.lastAt });
    byInstance.set(entry.instance, list);
  }
  const views = [...byInstance.entries()].map(([instance, list]) => {
    const recent = [...list].sort((a, b) => b.lastAt.localeCompare(a.lastAt) || a.area.localeCompare(b.area));
    return { instance, areas: recent.slice(0, BOARD_LIMITS.coverageAreas).map((entry) => entry.area), total: list.length };
  });
  views.sort((a, b) => Number(b.instance === self) - Number(a.instance === self) || a.instance.localeCompare(b.instance));
  return views.slice(0, BOARD_LIMITS.coverageInstances);
}
