import type { AuditTopic } from './audit-topic.js';

/** Correctness, performance and maintenance findings. */
export const QUALITY_TOPICS: readonly AuditTopic[] = [
  {
    key: 'race-condition',
    findings: [
      'Race condition in {path}: {function} reads {variable}, awaits, then writes it back, so concurrent requests lose updates (line {line}).',
      '{file} checks the balance and debits it in two steps in {function}; two concurrent calls can both pass the check (race).',
      'Lost update at {path}:{line}: read-modify-write of {variable} in {function} without a lock or transaction, a race condition.',
      '{function}() in {file} has a check-then-act window around {variable}; concurrent workers double-process jobs.',
      'Concurrency bug: {variable} in {path} is incremented non-atomically by {function}.',
    ],
    questions: ['is there a race condition in {function} ({path})?', 'race between concurrent requests in {function} ({path})', 'concurrent updates lost in {path}'],
    decisions: ['Decision: wrap {function} in {path} in a transaction with SELECT FOR UPDATE to close the race.', 'Synthesis: {file} loses updates to {variable} under concurrency.'],
  },
  {
    key: 'n-plus-one',
    findings: [
      'N+1 queries in {path}: {function} loads each {variable} inside a loop, one query per row (line {line}).',
      '{file} issues a database call per item in {function}; a page of 100 orders makes 101 queries.',
      'Performance: {function}() at {path}:{line} lazy-loads relations for every element of {variable}, N+1 queries.',
      'The listing in {function} ({file}) should batch its lookups; it queries once per {variable}.',
    ],
    questions: ['does {function} in {path} have an N+1 query problem?', 'why is {path} slow: too many queries per row?', 'query count of {function} in {path}'],
    decisions: ['Decision: {function} in {path} will prefetch {variable} with one IN query.', 'Synthesis: {file} is slow because of N+1 queries in {function}.'],
  },
  {
    key: 'unbounded-query',
    findings: [
      'Unbounded result set in {path}: {function} returns every row of {variable} without LIMIT or pagination (line {line}).',
      '{file} loads the whole table into memory in {function}, unbounded and without pagination; it will fall over at scale.',
      'Missing pagination at {path}:{line}; the export in {function} buffers all {variable}.',
      '{function}() in {file} accepts any page size from the client, including 1000000, so pagination is unbounded.',
    ],
    questions: ['does {function} in {path} paginate its results?', 'can {path} load an unbounded number of rows', 'unbounded result sets in {function} ({path})'],
    decisions: ['Decision: cap page size at 200 in {function} ({path}) so pagination is bounded.', 'Synthesis: {file} reads unbounded data into memory in {function}.'],
  },
  {
    key: 'swallowed-error',
    findings: [
      'Swallowed exception in {path}: {function} catches every error and returns null, hiding failures (line {line}).',
      '{file} has an empty catch block in {function}; errors writing {variable} go unnoticed.',
      'Errors are silently ignored at {path}:{line}: catch (e) {} around the save of {variable}.',
      '{function}() in {file} logs nothing and continues when the payment call throws an error.',
    ],
    questions: ['does {path} swallow errors?', 'are errors in {function} ({path}) swallowed', 'empty catch blocks swallowing errors in {path}'],
    decisions: ['Decision: {function} in {path} rethrows errors after logging; no more silent catch.', 'Synthesis: {file} hides errors of {function}.'],
  },
  {
    key: 'missing-timeout',
    findings: [
      'No timeout on outbound HTTP in {path}: {function} can hang forever waiting on {variable} (line {line}).',
      '{file} calls the payment provider in {function} without a timeout; one slow upstream stalls the worker pool.',
      'fetch() at {path}:{line} has no AbortSignal or timeout; requests pile up.',
      '{function}() in {file} waits on a socket with no read timeout.',
    ],
    questions: ['do requests in {path} have timeouts?', 'can {function} in {path} hang forever without a timeout', 'timeouts on outbound calls from {path}'],
    decisions: ['Decision: every call in {path} gets a 5 s AbortSignal timeout, starting with {function}.', 'Synthesis: {file} makes network calls without timeouts.'],
  },
  {
    key: 'resource-leak',
    findings: [
      'File handle leak in {path}: {function} opens {variable} and never closes it on the error path (line {line}).',
      '{file} leaks database connections in {function} when the query throws; the pool runs dry.',
      'Resource leak at {path}:{line}: stream {variable} is not destroyed if parsing fails.',
      '{function}() in {file} acquires a lock and forgets to release it on early return (resource leak).',
    ],
    questions: ['does {function} in {path} leak handles or connections?', 'file handle or connection leak in {path}', 'resource leak in {path}'],
    decisions: ['Decision: use try/finally for {variable} in {function} ({path}) to stop the leak.', 'Synthesis: {file} leaks resources on error paths of {function}.'],
  },
  {
    key: 'unhandled-promise',
    findings: [
      'Floating promise in {path}: {function} calls save({variable}) without await or catch (line {line}).',
      '{file} fires an async write in {function} and never handles the promise rejection; the process crashes on failure.',
      'Unhandled promise rejection at {path}:{line}; the result of {variable}.then() is dropped.',
      '{function}() in {file} forgets to await the notification promise, so errors vanish and ordering breaks.',
    ],
    questions: ['are there unawaited promises in {path}?', 'does {function} in {path} handle promise rejections', 'floating promises in {path}'],
    decisions: ['Decision: enable no-floating-promises and fix {function} in {path}.', 'Synthesis: {file} drops promise rejections in {function}.'],
  },
  {
    key: 'listener-leak',
    findings: [
      'Memory leak in {path}: {function} adds an event listener on every call and never removes it (line {line}).',
      'Memory leak: {file} grows without bound because {function} keeps {variable} in a module-level cache with no eviction.',
      'MaxListenersExceededWarning traced to {path}:{line}; {function} adds a listener for {variable} per request and leaks.',
      '{function}() in {file} retains closures over {variable}; heap grows steadily in soak tests (memory leak).',
    ],
    questions: ['does {path} leak memory?', 'why does memory leak in {path}', 'event listener leak in {function} ({path})'],
    decisions: ['Decision: {function} in {path} removes its listeners on close; cache gets an LRU bound to stop the leak.', 'Synthesis: {file} leaks memory through {function}.'],
  },
  {
    key: 'off-by-one',
    findings: [
      'Off-by-one in {path}: {function} loops to <= {variable}.length and reads past the end (line {line}).',
      '{file} drops the last item of each page in {function}; the slice end is exclusive (off by one).',
      'Off-by-one boundary error at {path}:{line}: {variable} - 1 underflows when the list is empty.',
      '{function}() in {file} counts fence posts wrong, off by one, so the final batch is never flushed.',
    ],
    questions: ['is there an off-by-one error in {function} ({path})?', 'does {path} skip the last element (off by one)', 'off-by-one loop bounds in {path}'],
    decisions: ['Decision: fix the off-by-one loop bound in {function} ({path}) and add an edge-case test.', 'Synthesis: {file} has an off-by-one in {function}.'],
  },
  {
    key: 'timezone',
    findings: [
      'Timezone bug in {path}: {function} builds dates in local time, so {variable} shifts by a day for UTC servers (line {line}).',
      '{file} compares a UTC timestamp with a local-time {variable} in {function}; reports are off around midnight.',
      'Daylight saving breaks the schedule at {path}:{line}; {function} adds 24 h instead of one calendar day in the local time zone.',
      '{function}() in {file} parses {variable} without an offset and assumes the host timezone.',
    ],
    questions: ['does {path} handle time zones correctly?', 'why are dates in {path} off by one day: timezone?', 'UTC vs local time in {function} ({path})'],
    decisions: ['Decision: {path} stores and compares everything in UTC; {function} converts at the edge.', 'Synthesis: {file} mixes local time and UTC in {function}.'],
  },
  {
    key: 'float-money',
    findings: [
      'Money as floating point in {path}: {function} sums prices in {variable} as JS numbers, rounding errors appear (line {line}).',
      '{file} computes tax with float multiplication in {function}; totals are off by a cent.',
      'Currency rounding at {path}:{line}: 0.1 + 0.2 style errors in {variable}.',
      '{function}() in {file} stores money amounts as floating point doubles instead of integer cents.',
    ],
    questions: ['are amounts in {path} stored as floats?', 'rounding errors in the totals of {path}', 'float rounding of currency in {function} ({path})'],
    decisions: ['Decision: {path} moves {variable} from floats to integer cents.', 'Synthesis: {file} loses cents through float arithmetic in {function}.'],
  },
  {
    key: 'redos',
    findings: [
      'ReDoS in {path}: the regex in {function} has nested quantifiers, and a long {variable} takes seconds (line {line}).',
      '{file} validates emails with a catastrophic-backtracking regex in {function}.',
      'Regular expression denial of service (ReDoS) at {path}:{line}: (a+)+ applied to user input {variable}.',
      '{function}() in {file} runs an exponential regex on the request header {variable}.',
    ],
    questions: ['is the regex in {path} vulnerable to ReDoS?', 'can a long input freeze the regex in {function} ({path})', 'catastrophic regex backtracking in {path}'],
    decisions: ['Decision: {function} in {path} replaces the regex with a linear-time validator for {variable}.', 'Synthesis: {file} has a ReDoS-prone pattern in {function}.'],
  },
  {
    key: 'missing-validation',
    findings: [
      'No input validation in {path}: {function} trusts the shape of {variable} from the body (line {line}).',
      '{file} accepts negative quantities in {function}; {variable} is never validated or range-checked.',
      'Unvalidated request payload at {path}:{line}: {variable} may be missing or the wrong type.',
      '{function}() in {file} passes {variable} on without schema validation; a null crashes downstream.',
    ],
    questions: ['does {function} in {path} validate its input?', 'missing input validation in {path}', 'request schema validation in {path}'],
    decisions: ['Decision: add zod validation for {variable} at the top of {function} ({path}).', 'Synthesis: {file} lacks input validation in {function}.'],
  },
  {
    key: 'missing-tests',
    findings: [
      'No tests cover {function} in {path}; the refund branch for {variable} has never run in CI.',
      '{file} has 0% test coverage for {function}, yet it moves money.',
      'Test gap: the error path of {function} ({path}:{line}) is untested.',
      '{function}() in {file} lacks unit tests for the empty {variable} case.',
    ],
    questions: ['is {function} in {path} tested?', 'test coverage of {path}', 'which parts of {path} have no tests'],
    decisions: ['Decision: write tests for {function} ({path}) before refactoring it.', 'Synthesis: {file} is untested around {function}.'],
  },
  {
    key: 'dead-code',
    findings: [
      'Dead code in {path}: {function} is exported but never imported anywhere (line {line}).',
      '{file} keeps a dead legacy branch in {function} guarded by {variable}, which is always false.',
      'Unreachable dead code at {path}:{line} after the early return in {function}.',
      '{function}() in {file} duplicates a helper that already exists in the shared utils; the unused copy can go.',
    ],
    questions: ['is there dead code in {path}?', 'is {function} in {path} unused dead code', 'unused exports in {path}'],
    decisions: ['Decision: delete the dead code {function} from {path}.', 'Synthesis: {file} carries dead code around {function}.'],
  },
  {
    key: 'outdated-dependency',
    findings: [
      'Outdated dependency used by {path}: {function} relies on lodash 4.17.4 with a prototype pollution CVE.',
      '{file} imports a deprecated crypto package in {function}; upstream is unmaintained.',
      'Vulnerable library version pinned for {path} (line {line}); {variable} comes from an old serializer.',
      '{function}() in {file} depends on request, which is deprecated and no longer patched.',
    ],
    questions: ['does {path} use vulnerable or outdated packages?', 'deprecated libraries in {path}', 'outdated dependency versions used by {function} ({path})'],
    decisions: ['Decision: upgrade the outdated library behind {function} in {path}.', 'Synthesis: {file} depends on an unpatched, outdated package.'],
  },
];
