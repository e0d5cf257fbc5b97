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
import { type PostgresContext, type Queryable, decodeRow, nowIso, reader, requireInstance } from './postgres-context.js';
import { validateInput } from '../shared/records.js';
import { type WriteTransaction, writeTransaction } from './postgres-transaction.js';

interface RecordRow {
  id: string;
  record: string;
}

/** Reads one proposal; `lock` holds its row for the transaction, so votes on one proposal apply one at a time. */
async function readProposal(context: PostgresContext, db: Queryable, proposalId: string, lock: boolean): Promise<Proposal | undefined> {
  const [row] = await db.query<RecordRow>(`SELECT id, record FROM proposals WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [proposalId]);
  return row === undefined ? undefined : decodeRow(context, proposalSchema, 'proposals', row.id, row.record);
}

async function mustRead(context: PostgresContext, db: Queryable, proposalId: string, lock: boolean): Promise<Proposal> {
  const proposal = await readProposal(context, db, validateInput(idSchema, proposalId, 'proposal id'), lock);
  if (proposal === undefined) throw new StoreError('not_found', `unknown proposal ${JSON.stringify(proposalId)}`);
  return proposal;
}

async function writeProposal(tx: WriteTransaction, proposal: Proposal, action: string): Promise<Proposal> {
  await tx.query('UPDATE proposals SET v = $1, state = $2, record = $3 WHERE id = $4', [PROPOSAL_SCHEMA_VERSION, proposal.state, JSON.stringify(proposal), proposal.id]);
  tx.history('proposal', action, proposal.id, proposal);
  return proposal;
}

async function readVotes(context: PostgresContext, db: Queryable, proposalId: string): Promise<Vote[]> {
  const rows = await db.query<{ voter: string; round: number; record: string }>(
    'SELECT voter, round, record FROM votes WHERE proposal_id = $1 ORDER BY round, position',
    [proposalId],
  );
  return rows.flatMap((row) => decodeRow(context, voteSchema, 'votes', voteKey(proposalId, row.voter, row.round), row.record) ?? []);
}

/** Moves an open proposal along: closes it, or opens a debate round, when its votes or the clock say so. */
async function advance(context: PostgresContext, tx: WriteTransaction, proposal: Proposal): Promise<Proposal> {
  if (proposal.state !== 'open') return proposal;
  const votes = await readVotes(context, tx, proposal.id);
  const change = advanceChange(proposal, votes, () => context.clock());
  return change === undefined ? proposal : writeProposal(tx, change.proposal, change.action);
}

/** Opens a proposal in round 1; a deadline already past → `invalid_input`, a used id → `conflict`. */
export function openProposal(context: PostgresContext, input: NewProposal): Promise<Proposal> {
  const parsed = validateInput(newProposalSchema, input, 'proposal');
  requireFutureDeadline(parsed, context.clock());
  return writeTransaction(context, async (tx) => {
    const proposal = newProposal(parsed, () => context.clock());
    const inserted = await tx.query(
      `INSERT INTO proposals (id, v, state, deadline_ms, record) VALUES ($1, $2, 'open', $3, $4) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [proposal.id, PROPOSAL_SCHEMA_VERSION, Date.parse(proposal.deadline), JSON.stringify(proposal)],
    );
    if (inserted.length === 0) throw new StoreError('conflict', `proposal ${proposal.id} already exists`);
    tx.history('proposal', 'opened', proposal.id, proposal);
    return proposal;
  });
}

/** One proposal, or null. */
export async function getProposal(context: PostgresContext, proposalId: string): Promise<Proposal | null> {
  return (await readProposal(context, reader(context), validateInput(idSchema, proposalId, 'proposal id'), false)) ?? null;
}

async function selectProposals(context: PostgresContext, db: Queryable, state: 'open' | 'closed' | undefined, lock: boolean): Promise<Proposal[]> {
  const rows = await db.query<RecordRow>(
    `SELECT id, record FROM proposals WHERE ($1::text IS NULL OR state = $1::text) ORDER BY position${lock ? ' FOR UPDATE' : ''}`,
    [state ?? null],
  );
  return rows.flatMap((row) => decodeRow(context, proposalSchema, 'proposals', row.id, row.record) ?? []);
}

/** Proposals in the order they were opened, optionally only open or closed ones. */
export function listProposals(context: PostgresContext, state: 'open' | 'closed' | undefined): Promise<Proposal[]> {
  return selectProposals(context, reader(context), state, false);
}

/** Records one vote per voter per round under the proposal's row lock, then closes or debates when due. */
export function castVote(context: PostgresContext, input: NewVote): Promise<Vote> {
  const parsed = validateInput(newVoteSchema, input, 'vote');
  return writeTransaction(context, async (tx) => {
    await requireInstance(context, tx, parsed.voter, 'voter');
    const proposal = await advance(context, tx, await mustRead(context, tx, parsed.proposalId, true));
    const vote = newVote(proposal, parsed, () => nowIso(context));
    const inserted = await tx.query(
      'INSERT INTO votes (proposal_id, voter, round, v, record) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING voter',
      [vote.proposalId, vote.voter, vote.round, PROPOSAL_SCHEMA_VERSION, JSON.stringify(vote)],
    );
    if (inserted.length === 0) {
      throw alreadyVoted(vote);
    }
    tx.history('vote', 'cast', voteKey(vote.proposalId, vote.voter, vote.round), vote);
    await advance(context, tx, proposal);
    return vote;
  });
}

/** Every vote on a proposal, by round, in the order cast. */
export async function listVotes(context: PostgresContext, proposalId: string): Promise<Vote[]> {
  return readVotes(context, reader(context), validateInput(idSchema, proposalId, 'proposal id'));
}

/** Counts of the current round (each voter's latest vote up to it). */
export async function tally(context: PostgresContext, proposalId: string): Promise<Tally> {
  const db = reader(context);
  const proposal = await mustRead(context, db, proposalId, false);
  return tallyOf(proposal, await readVotes(context, db, proposal.id));
}

/** Closes every due open proposal; rows are locked in board order, so two sweepers never deadlock. */
export function closeDue(context: PostgresContext): Promise<Proposal[]> {
  return writeTransaction(context, async (tx) => {
    const closed: Proposal[] = [];
    for (const proposal of await selectProposals(context, tx, 'open', true)) {
      const advanced = await advance(context, tx, proposal);
      if (advanced.state === 'closed') closed.push(advanced);
    }
    return closed;
  });
}

/** Closes an open proposal now; `winner` settles a tie as a tie-break. */
export function closeProposal(context: PostgresContext, proposalId: string, winner: string | undefined): Promise<Proposal> {
  return writeTransaction(context, async (tx) => {
    const proposal = await mustRead(context, tx, proposalId, true);
    requireClosable(proposal, winner);
    return writeProposal(tx, closedByHand(proposal, await readVotes(context, tx, proposal.id), winner, nowIso(context)), 'closed');
  });
}

/** The human's veto, under the proposal's row lock: a vote being cast waits for it, then finds the proposal closed. */
export function vetoProposal(context: PostgresContext, proposalId: string, input: Veto): Promise<Proposal> {
  const veto = validateInput(vetoSchema, input, 'veto');
  return writeTransaction(context, async (tx) => {
    const proposal = await mustRead(context, tx, proposalId, true);
    return writeProposal(tx, vetoedProposal(proposal, await readVotes(context, tx, proposal.id), veto, nowIso(context)), 'vetoed');
  });
}
