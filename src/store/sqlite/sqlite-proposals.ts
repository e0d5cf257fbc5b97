import {
  type NewProposal,
  type NewVote,
  PROPOSAL_SCHEMA_VERSION,
  type Proposal,
  type Vote,
  idSchema,
  newProposalSchema,
  newVoteSchema,
  proposalSchema,
  voteSchema,
} from '../../protocol/index.js';
import type { Tally } from '../collective-store.js';
import { newId } from '../new-id.js';
import { countVotes, countingVotes, decideOutcome, nextStep } from '../proposal-outcome.js';
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
  return rows.flatMap((row) => decodeRow(context, voteSchema, 'votes', `${proposalId}/${row.voter}/${row.round}`, row.record) ?? []);
}

/** Moves an open proposal along: closes it, or opens a debate round, when its votes or the clock say so. */
function advance(context: SqliteContext, proposal: Proposal): Proposal {
  if (proposal.state !== 'open') return proposal;
  const votes = readVotes(context, proposal.id);
  const step = nextStep(proposal, votes, context.clock());
  if (step === 'wait') return proposal;
  if (step === 'debate') return writeProposal(context, { ...proposal, round: proposal.round + 1 }, 'debate_round');
  const closedBy = step === 'close_quorum' ? 'quorum' : 'deadline';
  const outcome = decideOutcome(proposal, countingVotes(votes, proposal.round), closedBy, nowIso(context));
  return writeProposal(context, { ...proposal, state: 'closed', outcome }, 'closed');
}

export function openProposal(context: SqliteContext, input: NewProposal): Proposal {
  const parsed = validateInput(newProposalSchema, input, 'proposal');
  if (Date.parse(parsed.deadline) <= context.clock()) {
    throw new StoreError('invalid_input', `proposal deadline ${parsed.deadline} is already past`);
  }
  return writeTransaction(context, () => {
    const proposal: Proposal = {
      id: parsed.id ?? newId('prop', context.clock()),
      title: parsed.title,
      detail: parsed.detail ?? '',
      options: parsed.options,
      rule: parsed.rule,
      quorum: parsed.quorum,
      deadline: parsed.deadline,
      round: 1,
      maxRounds: parsed.maxRounds ?? 1,
      createdBy: parsed.createdBy,
      createdAt: nowIso(context),
      state: 'open',
      outcome: null,
    };
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
    if (proposal.state !== 'open') throw new StoreError('closed', `proposal ${proposal.id} is closed; no more votes`);
    const round = parsed.round ?? proposal.round;
    if (round !== proposal.round) {
      throw new StoreError('invalid_input', `proposal ${proposal.id} is in round ${proposal.round}, not ${round}`);
    }
    if (!proposal.options.includes(parsed.option)) {
      throw new StoreError('invalid_input', `${JSON.stringify(parsed.option)} is not an option of proposal ${proposal.id}; options: ${proposal.options.join(' | ')}`);
    }
    const vote: Vote = { ...parsed, round, castAt: nowIso(context) };
    const inserted = sql(
      context,
      'INSERT INTO votes (proposal_id, voter, round, v, record) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ).run(vote.proposalId, vote.voter, round, PROPOSAL_SCHEMA_VERSION, JSON.stringify(vote));
    if (inserted.changes === 0) {
      throw new StoreError('already_voted', `${vote.voter} already voted on ${vote.proposalId} in round ${round}; one vote per voter per round`);
    }
    appendHistory(context, 'vote', 'cast', `${vote.proposalId}/${vote.voter}/${round}`, vote);
    advance(context, proposal);
    return vote;
  });
}

export function listVotes(context: SqliteContext, proposalId: string): Vote[] {
  return readVotes(context, validateInput(idSchema, proposalId, 'proposal id'));
}

export function tally(context: SqliteContext, proposalId: string): Tally {
  const proposal = mustRead(context, proposalId);
  const votes = countingVotes(readVotes(context, proposal.id), proposal.round);
  return { proposalId: proposal.id, round: proposal.round, counts: countVotes(proposal.options, votes), votesCast: votes.length };
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
    if (proposal.state !== 'open') throw new StoreError('closed', `proposal ${proposal.id} is already closed`);
    if (winner !== undefined && !proposal.options.includes(winner)) {
      throw new StoreError('invalid_input', `${JSON.stringify(winner)} is not an option of proposal ${proposal.id}`);
    }
    const votes = countingVotes(readVotes(context, proposal.id), proposal.round);
    const decided = decideOutcome(proposal, votes, winner === undefined ? 'manual' : 'tie_break', nowIso(context));
    const outcome = winner === undefined ? decided : { ...decided, status: 'decided' as const, winner };
    return writeProposal(context, { ...proposal, state: 'closed', outcome }, 'closed');
  });
}
