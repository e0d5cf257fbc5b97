import type { CollectiveStore } from '../collective-store.js';

/**
 * The store methods both backends expose the same way: each calls the backend's operation with its context,
 * through the backend's `run` (which refuses once closed and turns a throw into a rejection).
 */

type Value<K extends keyof CollectiveStore> = CollectiveStore[K] extends (...args: never[]) => Promise<infer R> ? R : never;
type Args<K extends keyof CollectiveStore> = CollectiveStore[K] extends (...args: infer A) => unknown ? A : never;
/** A backend operation for store method K: the context first, then the method's arguments; sync or async. */
type Operation<C, K extends keyof CollectiveStore, A extends unknown[] = Args<K>> = (context: C, ...args: A) => Value<K> | Promise<Value<K>>;

type Group<C, K extends keyof CollectiveStore> = { [P in K]: Operation<C, P> };

/** A backend's operations, grouped as its modules are. */
export interface BackendOperations<C> {
  messages: Group<C, 'lastMessageSeq' | 'getCursor' | 'saveCursor'>;
  registry: Group<C, 'register' | 'heartbeat' | 'getInstance' | 'listInstances' | 'findStale'>;
  tasks: Group<
    C,
    'createTask' | 'getTask' | 'listTasks' | 'claimTask' | 'claimNext' | 'renewLease' | 'completeTask' | 'failTask' | 'releaseTask' | 'reofferExpired' | 'reopenTask'
  >;
  proposals: Group<C, 'openProposal' | 'getProposal' | 'castVote' | 'listVotes' | 'tally' | 'closeDue' | 'vetoProposal'> & {
    listProposals: Operation<C, 'listProposals', ['open' | 'closed' | undefined]>;
    closeProposal: Operation<C, 'closeProposal', [string, string | undefined]>;
  };
  leases: Group<C, 'releaseRoleLease' | 'getRoleLease'> & {
    acquireRoleLease: Operation<C, 'acquireRoleLease', [string, string, number]>;
  };
  memory: Group<C, 'remember' | 'getMemory' | 'searchMemory' | 'listMemory' | 'countMemory'>;
  coverage: Group<C, 'recordCoverage' | 'listCoverage'>;
  documents: Group<C, 'putDocument' | 'getDocument' | 'listDocuments'>;
  lastHistorySeq: Operation<C, 'lastHistorySeq'>;
}

type SharedMethod = Exclude<keyof CollectiveStore, 'backend' | 'location' | 'publish' | 'readMessages' | 'followMessages' | 'readHistory' | 'followHistory' | 'close'>;

export function sharedStoreMethods<C>(
  context: C,
  run: <T>(work: () => T | Promise<T>) => Promise<T>,
  { messages, registry, tasks, proposals, leases, memory, coverage, documents, lastHistorySeq }: BackendOperations<C>,
): Pick<CollectiveStore, SharedMethod> {
  return {
    lastMessageSeq: () => run(() => messages.lastMessageSeq(context)),
    getCursor: (consumer) => run(() => messages.getCursor(context, consumer)),
    saveCursor: (consumer, seq) => run(() => messages.saveCursor(context, consumer, seq)),
    register: (registration) => run(() => registry.register(context, registration)),
    heartbeat: (instanceId, beat, cursor) => run(() => registry.heartbeat(context, instanceId, beat, cursor)),
    getInstance: (instanceId) => run(() => registry.getInstance(context, instanceId)),
    listInstances: () => run(() => registry.listInstances(context)),
    findStale: (olderThanMs) => run(() => registry.findStale(context, olderThanMs)),
    createTask: (task) => run(() => tasks.createTask(context, task)),
    getTask: (taskId) => run(() => tasks.getTask(context, taskId)),
    listTasks: (query) => run(() => tasks.listTasks(context, query)),
    claimTask: (taskId, instanceId, claim) => run(() => tasks.claimTask(context, taskId, instanceId, claim)),
    claimNext: (instanceId, claim) => run(() => tasks.claimNext(context, instanceId, claim)),
    renewLease: (taskId, instanceId, claim) => run(() => tasks.renewLease(context, taskId, instanceId, claim)),
    completeTask: (taskId, instanceId, completion) => run(() => tasks.completeTask(context, taskId, instanceId, completion)),
    failTask: (taskId, instanceId, reason) => run(() => tasks.failTask(context, taskId, instanceId, reason)),
    releaseTask: (taskId, instanceId) => run(() => tasks.releaseTask(context, taskId, instanceId)),
    reofferExpired: () => run(() => tasks.reofferExpired(context)),
    reopenTask: (taskId, reason) => run(() => tasks.reopenTask(context, taskId, reason)),
    openProposal: (proposal) => run(() => proposals.openProposal(context, proposal)),
    getProposal: (proposalId) => run(() => proposals.getProposal(context, proposalId)),
    listProposals: (query) => run(() => proposals.listProposals(context, query?.state)),
    castVote: (vote) => run(() => proposals.castVote(context, vote)),
    listVotes: (proposalId) => run(() => proposals.listVotes(context, proposalId)),
    tally: (proposalId) => run(() => proposals.tally(context, proposalId)),
    closeDue: () => run(() => proposals.closeDue(context)),
    closeProposal: (proposalId, close) => run(() => proposals.closeProposal(context, proposalId, close?.winner)),
    vetoProposal: (proposalId, veto) => run(() => proposals.vetoProposal(context, proposalId, veto)),
    acquireRoleLease: (name, holder, lease) => run(() => leases.acquireRoleLease(context, name, holder, lease.ttlMs)),
    releaseRoleLease: (name, holder) => run(() => leases.releaseRoleLease(context, name, holder)),
    getRoleLease: (name) => run(() => leases.getRoleLease(context, name)),
    remember: (item) => run(() => memory.remember(context, item)),
    getMemory: (memoryId) => run(() => memory.getMemory(context, memoryId)),
    searchMemory: (query, search) => run(() => memory.searchMemory(context, query, search)),
    listMemory: (list) => run(() => memory.listMemory(context, list)),
    countMemory: () => run(() => memory.countMemory(context)),
    recordCoverage: (instanceId, areas, via) => run(() => coverage.recordCoverage(context, instanceId, areas, via)),
    listCoverage: (query) => run(() => coverage.listCoverage(context, query)),
    putDocument: (namespace, key, value) => run(() => documents.putDocument(context, namespace, key, value)),
    getDocument: (namespace, key) => run(() => documents.getDocument(context, namespace, key)),
    listDocuments: (namespace) => run(() => documents.listDocuments(context, namespace)),
    lastHistorySeq: () => run(() => lastHistorySeq(context)),
  };
}
