import type { ScannedLine } from './scan-lines.js';
import { hasHardCodedSecret } from './secret-detection.js';
import type { SourceLanguage } from './source-language.js';

/** What a rule sees: the raw line, its scan, and the scans of the whole file (for rules that look ahead). */
export interface RuleInput {
  raw: string;
  line: ScannedLine;
  index: number;
  lines: readonly ScannedLine[];
  /** True in test files, where sample credentials (`password: "peanuts"`) are data, not leaks. */
  inTest: boolean;
}

/** One risky pattern: where it applies, how bad it is, what to do, and how to recognise it on a line. */
export interface RiskyPatternRule {
  id: string;
  /** Short name for titles, e.g. "eval()". */
  label: string;
  languages: readonly SourceLanguage[] | 'all';
  severity: number;
  /** Why it matters and what to do instead (one or two sentences). */
  advice: string;
  /** Cheap test on the raw line; `matches` runs only where it passes (keeps large repositories fast). */
  hint: RegExp;
  matches(input: RuleInput): boolean;
}

const SCRIPTS: readonly SourceLanguage[] = ['ts', 'js'];
const BRACES: readonly SourceLanguage[] = ['ts', 'js', 'java', 'c', 'cpp', 'go', 'rs'];
const ID_WORD = /(?:^|_)(?:id|ids|uid|uuid|guid|token|nonce|salt|secret|password|session|key|otp)(?:_|$)/;
/** Hosts where plain http is harmless: this machine, and domains used as identifiers (XML namespaces, schemas). */
const HARMLESS_HTTP_HOSTS: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '0.0.0.0',
  '[::1]',
  'example.com',
  'example.org',
  'example.net',
  'w3.org',
  'json-schema.org',
  'xmlsoap.org',
  'purl.org',
  'xml.org',
  'openxmlformats.org',
  'schemas.microsoft.com',
  'ns.adobe.com',
  'apache.org',
];
const SQL_STATEMENT = /\b(?:SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\s+[\w."`]+\s+SET|DELETE\s+FROM)\b/;

function isHarmlessHttpUrl(url: string): boolean {
  const host = /^http:\/\/(\[[^\]]*\]|[^/:?#\s]+)/.exec(url)?.[1]?.toLowerCase() ?? '';
  return HARMLESS_HTTP_HOSTS.some((harmless) => host === harmless || host.endsWith(`.${harmless}`));
}

function codeMatches(pattern: RegExp): (input: RuleInput) => boolean {
  return ({ line }) => pattern.test(line.code);
}

function hasIdLikeName(code: string): boolean {
  if (/\.toString\(\s*36\s*\)/.test(code)) return true;
  return (code.match(/[A-Za-z_$][\w$]*/g) ?? []).some((word) =>
    ID_WORD.test(word.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()),
  );
}

function nextMeaningful(lines: readonly ScannedLine[], from: number): ScannedLine | undefined {
  for (let index = from + 1; index < lines.length; index += 1) {
    const line = lines[index];
    if (line !== undefined && (line.code.trim() !== '' || line.comment.trim() !== '')) return line;
  }
  return undefined;
}

function isEmptyCatch({ line, index, lines }: RuleInput): boolean {
  if (/\.catch\(\s*(?:\(\s*\w*\s*\)|\w+)?\s*=>\s*\{\s*\}\s*\)/.test(line.code) && line.comment.trim() === '') return true;
  if (/(?:^|\})\s*catch\s*(?:\([^()]*\))?\s*\{\s*\}/.test(line.code)) return line.comment.trim() === '';
  if (/\bexcept\b[^:]*:\s*pass\s*$/.test(line.code)) return line.comment.trim() === '';
  const opensCatch = /(?:^|\})\s*catch\s*(?:\([^()]*\))?\s*\{\s*$/.test(line.code);
  const opensExcept = /^\s*except\b[^:]*:\s*$/.test(line.code);
  if ((!opensCatch && !opensExcept) || line.comment.trim() !== '') return false;
  const next = nextMeaningful(lines, index);
  if (next === undefined || next.comment.trim() !== '') return false;
  return opensCatch ? next.code.trim().startsWith('}') : next.code.trim() === 'pass';
}

/** A lint suppression, unless it is scoped to one line and gives its reason (`eslint-disable-next-line rule -- why`). */
function isUnexplainedDisable(comment: string): boolean {
  if (!/\beslint-disable|\bpylint:\s*disable\b|\bnoqa\b|\bNOLINT\b/.test(comment)) return false;
  return !/\beslint-disable-(?:next-)?line\b.*\s--\s*\S/.test(comment);
}

/** `${flag ? ' FOR UPDATE' : ''}`: an interpolation that can only insert one of two literals (contents are blanked). */
const LITERAL_CHOICE = /^\s*!?[\w$.]+\s*\?\s*(["'`]) *\1\s*:\s*(["'`]) *\2\s*$/;

function isSqlConcatenation({ line }: RuleInput): boolean {
  if (!line.strings.some((text) => SQL_STATEMENT.test(text))) return false;
  const code = line.code;
  if (/[\w$]\s*`/.test(code)) return false;
  return (
    [...code.matchAll(/\$\{([^{}]*)\}?/g)].some((match) => !LITERAL_CHOICE.test(match[1] ?? '')) ||
    /["'`]\s*\+\s*[\w$(]|[\w$)\]]\s*\+\s*["'`]/.test(code) ||
    /\bf["']/.test(code) ||
    /["']\s*%\s*[\w(]/.test(code) ||
    /["']\s*\.format\s*\(/.test(code)
  );
}

/** Every risky-pattern rule, in report order. */
export const RISKY_PATTERN_RULES: readonly RiskyPatternRule[] = [
  {
    id: 'eval',
    label: 'eval()',
    languages: ['ts', 'js', 'py'],
    severity: 0.7,
    advice:
      'eval runs arbitrary text as code; any attacker-influenced input becomes code execution. Parse the ' +
      'data instead.',
    hint: /eval/,
    matches: ({ line }) => /(?<![\w$.])eval\s*\(/.test(line.code),
  },
  {
    id: 'python-exec',
    label: 'exec()',
    languages: ['py'],
    severity: 0.7,
    advice: 'exec runs arbitrary text as code. Replace it with explicit dispatch over known operations.',
    hint: /exec/,
    matches: codeMatches(/(?<![\w.])exec\s*\(/),
  },
  {
    id: 'new-function',
    label: 'new Function()',
    languages: SCRIPTS,
    severity: 0.6,
    advice: 'new Function compiles a string into code, like eval. Use a closure or a lookup table instead.',
    hint: /Function/,
    matches: codeMatches(/\bnew\s+Function\s*\(/),
  },
  {
    id: 'shell-interpolation',
    label: 'shell command built from strings',
    languages: ['ts', 'js', 'py'],
    severity: 0.75,
    advice:
      'A shell command assembled from interpolated or concatenated text lets a crafted value inject commands. ' +
      'Use execFile/spawn (or subprocess with a list) and pass arguments separately.',
    hint: /exec|system|popen|shell/,
    matches: ({ line }) =>
      /(?:(?<![\w$.])|\b(?:child_process|childProcess|cp|shell)\.)exec(?:Sync)?\s*\(\s*(?:`[^`]*\$\{|["'`][^"'`]*["'`]\s*\+|[\w$.]+\s*\+\s*["'`])/.test(line.code) ||
      /\bos\.(?:system|popen)\s*\(\s*(?:f["']|["'][^"']*["']\s*[%+]|[\w.]+\s*\+)/.test(line.code) ||
      /\bsubprocess\.\w+\s*\(.*\bshell\s*=\s*True\b/.test(line.code),
  },
  {
    id: 'inner-html',
    label: 'raw HTML injection (innerHTML)',
    languages: SCRIPTS,
    severity: 0.5,
    advice: 'Assigning HTML strings invites cross-site scripting. Set textContent, or build nodes, or sanitise first.',
    hint: /HTML|document\.write/,
    matches: codeMatches(
      /\.(?:innerHTML|outerHTML)\s*\+?=(?!=)|\bdangerouslySetInnerHTML\b|\bdocument\.write(?:ln)?\s*\(|\.insertAdjacentHTML\s*\(/,
    ),
  },
  {
    id: 'any-cast',
    label: '`as any` cast',
    languages: ['ts'],
    severity: 0.3,
    advice:
      '`as any` switches the type checker off for that value and hides real mismatches. Type it, or narrow ' +
      'an `unknown`.',
    hint: /\bany\b/,
    matches: codeMatches(/\bas\s+any\b/),
  },
  {
    id: 'lint-disabled',
    label: 'lint rule disabled',
    languages: 'all',
    severity: 0.25,
    advice:
      'A disabled lint rule hides what the rule would catch. Fix the code, or keep the disable narrow with ' +
      'a reason.',
    hint: /eslint|pylint|noqa|NOLINT/,
    matches: ({ line }) => isUnexplainedDisable(line.comment),
  },
  {
    id: 'type-check-suppressed',
    label: 'type check suppressed',
    languages: ['ts', 'js', 'py'],
    severity: 0.35,
    advice: 'A suppressed type error is still an error at run time. Fix the type instead of silencing the checker.',
    hint: /@ts-|type:/,
    matches: ({ line }) => /@ts-ignore\b|@ts-nocheck\b|\btype:\s*ignore\b/.test(line.comment),
  },
  {
    id: 'empty-catch',
    label: 'empty catch block',
    languages: [...BRACES, 'py'],
    severity: 0.45,
    advice:
      'An empty catch swallows every failure, including bugs. Handle the error, log it, or rethrow it; if ' +
      'ignoring is right, say why in a comment.',
    hint: /catch\s*[({]|except/,
    matches: isEmptyCatch,
  },
  {
    id: 'hard-coded-secret',
    label: 'hard-coded secret',
    languages: 'all',
    severity: 0.8,
    advice:
      'A credential in source is leaked to everyone with the repository. Read it from the environment or a ' +
      'secret store, and rotate it.',
    hint: /[Pp]ass|PASS|[Ss]ecret|SECRET|[Kk]ey|KEY|[Tt]oken|TOKEN|AKIA|gh[pousr]_|sk-|xox|AIza/,
    matches: ({ raw, line, inTest }) => hasHardCodedSecret(raw, line, { formatsOnly: inTest }),
  },
  {
    id: 'insecure-random',
    label: 'Math.random used for an identifier or token',
    languages: ['ts', 'js', 'py'],
    severity: 0.5,
    advice:
      'Math.random/random is predictable; ids and tokens built from it can be guessed or collide. Use ' +
      'crypto.randomUUID/randomBytes (secrets in Python).',
    hint: /random/,
    matches: ({ line }) =>
      (/\bMath\.random\s*\(/.test(line.code) ||
        /\brandom\.(?:random|randint|choice|choices|getrandbits|randrange)\s*\(/.test(line.code)) &&
      hasIdLikeName(line.code),
  },
  {
    id: 'insecure-url',
    label: 'plain http:// URL',
    languages: 'all',
    severity: 0.3,
    advice: 'Plain http:// traffic can be read and altered in transit. Use https://.',
    hint: /http:/,
    matches: ({ line }) =>
      line.strings.some((text) =>
        [...text.matchAll(/http:\/\/[\w[]\S*/g)].some((match) => !isHarmlessHttpUrl(match[0])),
      ),
  },
  {
    id: 'tls-verification-disabled',
    label: 'TLS certificate verification disabled',
    languages: 'all',
    severity: 0.75,
    advice:
      'Without certificate checks any machine in the path can impersonate the server. Keep verification on; ' +
      'trust a private CA explicitly instead.',
    hint: /rejectUnauthorized|InsecureSkipVerify|verify|unverified|CERT_NONE|NODE_TLS/,
    matches: ({ raw, line }) =>
      /\brejectUnauthorized\s*:\s*false\b|\bInsecureSkipVerify\s*:\s*true\b|\bverify\s*=\s*False\b|_create_unverified_context|\bCERT_NONE\b/.test(line.code) ||
      /NODE_TLS_REJECT_UNAUTHORIZED['"]?\]?\s*=\s*['"]?0/.test(raw),
  },
  {
    id: 'sql-concatenation',
    label: 'SQL built by string concatenation',
    languages: 'all',
    severity: 0.7,
    advice:
      'SQL text assembled from values is open to injection. Use placeholders (?, $1) and pass the values as ' +
      'parameters.',
    hint: /SELECT|INSERT|UPDATE|DELETE/,
    matches: isSqlConcatenation,
  },
  {
    id: 'unsafe-deserialization',
    label: 'unsafe deserialisation',
    languages: ['py'],
    severity: 0.5,
    advice: 'pickle and yaml.load without a safe loader can run code from the data. Use json, or yaml.safe_load.',
    hint: /pickle|yaml/,
    matches: codeMatches(/\bpickle\.loads?\s*\(|\byaml\.load\s*\((?![^)]*SafeLoader)/),
  },
];
