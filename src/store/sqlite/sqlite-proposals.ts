import {
  type NewProposal,
  type NewVote,
  PROPOSAL_SCHEMA_VERSION,
  type Proposal,
  type Veto,
  type Vote,
  idSchema,
  newProposalSchema,
  newVoteSchema,
  proposalSchema,
  vetoSchema,
  voteSchema,
} from '../../protocol/index.js';
import type { Tally } from '../collective-store.js';
import {
  advanceChange,
  alreadyVoted,
  closedByHand,
  newProposal,
  newVote,
  requireClosable,
  requireFutureDeadline,
  tallyOf,
  vetoedProposal,
  voteKey,
} from '../shared/proposal-rules.js';
import { StoreError } from '../store-error.js';
import {
  type SqliteContext,
  appendHistory,
  decodeRow,
  nowIso,
  requireInstance,
  sql,
  validateInput,
  writeTransaction,
} from './sqlite-context.js';

interface RecordRow {
  id: string;
  record: string;
}

function readProposal(context: SqliteContext, proposalId: string): Proposal | undefined {
  const row = sql(context, 'SELECT id, record FROM proposals WHERE id = ?').get(proposalId) as RecordRow | undefined;
  return row === undefined ? undefined : decodeRow(context, proposalSchema, 'proposals', row.id, row.record);
}

function mustRead(context: SqliteContext, proposalId: string): Proposal {
  const proposal = readProposal(context, validateInput(idSchema, proposalId, 'proposal id'));
  if (proposal === undefined) throw new StoreError('not_found', `unknown proposal ${JSON.stringify(proposalId)}`);
  return proposal;
}

function writeProposal(context: SqliteContext, proposal: Proposal, action: string): Proposal {
  sql(context, 'UPDATE proposals SET v = ?, state = ?, record = ? WHERE id = ?').run(
    PROPOSAL_SCHEMA_VERSION,
    proposal.state,
    JSON.stringify(proposal),
    proposal.id,
  );
  appendHistory(context, 'proposal', action, proposal.id, proposal);
  return proposal;
}

function readVotes(context: SqliteContext, proposalId: string): Vote[] {
  const rows = sql(context, 'SELECT voter, round, record FROM votes WHERE proposal_id = ? ORDER BY round, rowid').all(
    proposalId,
  ) as Array<{ voter: string; round: number; record: string }>;
  return rows.flatMap((row) => decodeRow(context, voteSchema, 'votes', voteKey(proposalId, row.voter, row.round), row.record) ?? []);
}

/** Moves an open proposal along: closes it, or opens a debate round, when its votes or the clock say so. */
function advance(context: SqliteContext, proposal: Proposal): Proposal {
  if (proposal.state !== 'open') return proposal;
  const votes = readVotes(context, proposal.id);
  const change = advanceChange(proposal, votes, () => context.clock());
  return change === undefined ? proposal : writeProposal(context, change.proposal, change.action);
}

export function openProposal(context: SqliteContext, input: NewProposal): Proposal {
  const parsed = validateInput(newProposalSchema, input, 'proposal');
  requireFutureDeadline(parsed, context.clock());
  return writeTransaction(context, () => {
    const proposal = newProposal(parsed, () => context.clock());
    const position = (sql(context, 'SELECT COALESCE(MAX(position), 0) + 1 AS next FROM proposals').get() as { next: number }).next;
    const inserted = sql(
      context,
      `INSERT INTO proposals (id, v, position, state, deadline_ms, record) VALUES (?, ?, ?, 'open', ?, ?) ON CONFLICT (id) DO NOTHING`,
    ).run(proposal.id, PROPOSAL_SCHEMA_VERSION, position, Date.parse(proposal.deadline), JSON.stringify(proposal));
    if (inserted.changes === 0) throw new StoreError('conflict', `proposal ${proposal.id} already exists`);
    appendHistory(context, 'proposal', 'opened', proposal.id, proposal);
    return proposal;
  });
}

export function getProposal(context: SqliteContext, proposalId: string): Proposal | null {
  return readProposal(context, validateInput(idSchema, proposalId, 'proposal id')) ?? null;
}

export function listProposals(context: SqliteContext, state: 'open' | 'closed' | undefined): Proposal[] {
  const rows = sql(context, 'SELECT id, record FROM proposals WHERE (? IS NULL OR state = ?) ORDER BY position').all(state ?? null, state ?? null) as RecordRow[];
  return rows.flatMap((row) => decodeRow(context, proposalSchema, 'proposals', row.id, row.record) ?? []);
}

export function castVote(context: SqliteContext, input: NewVote): Vote {
  const parsed = validateInput(newVoteSchema, input, 'vote');
  return writeTransaction(context, () => {
    requireInstance(context, parsed.voter, 'voter');
    const proposal = advance(context, mustRead(context, parsed.proposalId));
    const vote = newVote(proposal, parsed, () => nowIso(context));
    const inserted = sql(
      context,
      'INSERT INTO votes (proposal_id, voter, round, v, record) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ).run(vote.proposalId, vote.voter, vote.round, PROPOSAL_SCHEMA_VERSION, JSON.stringify(vote));
    if (inserted.changes === 0) {
      throw alreadyVoted(vote);
    }
    appendHistory(context, 'vote', 'cast', voteKey(vote.proposalId, vote.voter, vote.round), vote);
    advance(context, proposal);
    return vote;
  });
}

export function listVotes(context: SqliteContext, proposalId: string): Vote[] {
  return readVotes(context, validateInput(idSchema, proposalId, 'proposal id'));
}

export function tally(context: SqliteContext, proposalId: string): Tally {
  const proposal = mustRead(context, proposalId);
  return tallyOf(proposal, readVotes(context, proposal.id));
}

export function closeDue(context: SqliteContext): Proposal[] {
  return writeTransaction(context, () =>
    listProposals(context, 'open')
      .map((proposal) => advance(context, proposal))
      .filter((proposal) => proposal.state === 'closed'),
  );
}

export function closeProposal(context: SqliteContext, proposalId: string, winner: string | undefined): Proposal {
  return writeTransaction(context, () => {
    const proposal = mustRead(context, proposalId);
    requireClosable(proposal, winner);
    return writeProposal(context, closedByHand(proposal, readVotes(context, proposal.id), winner, nowIso(context)), 'closed');
  });
}

export function vetoProposal(context: SqliteContext, proposalId: string, input: Veto): Proposal {
  const veto = validateInput(vetoSchema, input, 'veto');
  return writeTransaction(context, () => {
    const proposal = mustRead(context, proposalId);
    return writeProposal(context, vetoedProposal(proposal, readVotes(context, proposal.id), veto, nowIso(context)), 'vetoed');
  });
}
