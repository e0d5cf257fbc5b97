import type { ScannedLine } from './scan-lines.js';

/** Key names (lowercased, `_`/`-` removed) whose string value is a credential when written inline. */
const SECRET_KEY_ENDINGS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'apikey',
  'accesskey',
  'accesstoken',
  'authtoken',
  'apitoken',
  'bearertoken',
  'refreshtoken',
  'privatekey',
  'secretkey',
  'clientsecret',
] as const;

/** Credential formats recognisable anywhere in a string literal. */
const KNOWN_TOKEN_FORMATS: readonly RegExp[] = [
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
  /\bsk-[A-Za-z0-9_-]{32,}/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\bAIza[0-9A-Za-z_-]{35}\b/,
  /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/,
];

/** Values that are clearly not real credentials: placeholders, empty-ish or templated text. */
const PLACEHOLDER_VALUE =
  /^(?:\*+|x+|\.+|<[^>]*>|\{\{.*\}\}|\$\{.*|%s|changeme|change_me|your[-_].*|example.*|dummy|test|redacted|none|null|undefined|true|false)$/i;
/** An environment-variable name (`OPENAI_API_KEY`): the value says where the secret lives, not what it is. */
const VARIABLE_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

const KEY_VALUE = /([A-Za-z_$][\w$-]*)["']?\s*(?::=|=>|:|=)\s*(["'`])([^"'`\s]{4,})\2(?!\s*\|)/g;

function normalisedKey(key: string): string {
  return key.replace(/[-_$]/g, '').toLowerCase();
}

/** True when `key` names a credential (`dbPassword`, `API_KEY`, `client_secret`...). */
export function isSecretKey(key: string): boolean {
  const normalised = normalisedKey(key);
  return SECRET_KEY_ENDINGS.some((ending) => normalised.endsWith(ending));
}

/**
 * True when any string on the line has a known token format (AWS, GitHub, Slack...), or (unless `formatsOnly`) the
 * line assigns a non-placeholder string literal to a credential-named key in code (not in a comment or a string).
 */
export function hasHardCodedSecret(raw: string, line: ScannedLine, options?: { formatsOnly?: boolean }): boolean {
  if (line.strings.some((text) => KNOWN_TOKEN_FORMATS.some((format) => format.test(text)))) return true;
  if (options?.formatsOnly === true) return false;
  KEY_VALUE.lastIndex = 0;
  for (let match = KEY_VALUE.exec(raw); match !== null; match = KEY_VALUE.exec(raw)) {
    const [, key, , value] = match;
    if (key === undefined || value === undefined) continue;
    const before = raw[match.index - 1];
    const quotedKey = (before === '"' || before === "'") && line.code[match.index - 1] === before;
    const keyInCode = quotedKey || line.code.slice(match.index, match.index + key.length) === key;
    if (!keyInCode || !isSecretKey(key)) continue;
    if (PLACEHOLDER_VALUE.test(value) || VARIABLE_NAME.test(value) || normalisedKey(value) === normalisedKey(key)) continue;
    return true;
  }
  return false;
}
