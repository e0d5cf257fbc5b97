import type { SeededRandom } from './seeded-random.js';

const DIRECTORIES = [
  'src/api', 'src/auth', 'src/db', 'src/billing', 'src/ui/components', 'src/jobs', 'src/admin', 'src/search',
  'lib/util', 'lib/http', 'server/routes', 'server/middleware', 'services/mail', 'services/storage', 'services/reports',
  'packages/core/src', 'packages/web/src', 'app/controllers', 'app/models', 'workers', 'scripts', 'internal/sync',
];
const STEMS = [
  'users', 'orders', 'session', 'invoice', 'upload', 'search', 'payment', 'profile', 'token', 'cache', 'report',
  'admin', 'webhook', 'export', 'import', 'mailer', 'cart', 'checkout', 'coupon', 'inventory', 'shipping', 'refund',
  'account', 'login', 'signup', 'password', 'settings', 'billing', 'subscription', 'plan', 'team', 'invite', 'audit',
  'comments', 'posts', 'media', 'thumbnail', 'feed', 'notifications', 'queue', 'scheduler', 'metrics', 'health',
  'config', 'router', 'proxy', 'gateway', 'storage', 'backup', 'migration', 'tenant', 'permissions', 'roles', 'oauth',
  'sso', 'api-keys', 'rate-limit', 'geo', 'pricing', 'tax', 'currency', 'ledger', 'analytics', 'tracking', 'messages',
];
/** Suffixes make most file names unique, as in a real repository, while sharing words (users-service, users-model). */
const SUFFIXES = ['', '-service', '-controller', '-repository', '-handler', '-utils', '-client', '-model', '-view', '-worker', '-store', '-routes', '-schema', '-helpers', '-api'];
const EXTENSIONS = ['.ts', '.js', '.py', '.go'];
const VERBS = ['get', 'load', 'save', 'update', 'delete', 'handle', 'build', 'parse', 'render', 'sync', 'fetch', 'create', 'list', 'apply', 'verify', 'send'];
const NOUNS = ['User', 'Order', 'Session', 'Invoice', 'File', 'Query', 'Payment', 'Token', 'Report', 'Item', 'Record', 'Request', 'Page', 'Batch', 'Event', 'Account'];
const VARIABLES = [
  'userId', 'orderId', 'req.query.id', 'req.body.name', 'params.path', 'filename', 'redirectUrl', 'searchTerm', 'amount',
  'email', 'password', 'apiKey', 'callbackUrl', 'sortColumn', 'pageSize', 'accountId', 'tenantId', 'payload', 'headerValue',
  'items', 'rows', 'cursor', 'balance', 'counter', 'expiresAt', 'startDate', 'total', 'price', 'token', 'sessionId',
];

/** A source file of the audited repository and the functions in it. */
export interface CodeFile {
  path: string;
  file: string;
  functions: readonly string[];
}

/** `count` files with distinct names (name + suffix + extension) in random directories, each with 3-5 distinct function names. */
export function codeFiles(random: SeededRandom, count: number): CodeFile[] {
  const seen = new Set<string>();
  const files: CodeFile[] = [];
  const capacity = STEMS.length * SUFFIXES.length * EXTENSIONS.length;
  if (count > capacity / 2) throw new RangeError(`at most ${capacity / 2} distinct file names, asked for ${count}`);
  while (files.length < count) {
    const file = `${random.pick(STEMS)}${random.pick(SUFFIXES)}${random.pick(EXTENSIONS)}`;
    if (seen.has(file)) continue;
    seen.add(file);
    const path = `${random.pick(DIRECTORIES)}/${file}`;
    const functions = new Set<string>();
    const wanted = random.integer(3, 5);
    while (functions.size < wanted) functions.add(`${random.pick(VERBS)}${random.pick(NOUNS)}`);
    files.push({ path, file, functions: [...functions] });
  }
  return files;
}

/** A variable name as code in findings would quote it. */
export function variableName(random: SeededRandom): string {
  return random.pick(VARIABLES);
}

/** A directory of the repository (for progress notes). */
export function directoryName(random: SeededRandom): string {
  return random.pick(DIRECTORIES);
}
