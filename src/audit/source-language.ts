/** The languages the audit understands; `other` files get only language-neutral checks (size, TODO markers). */
export type SourceLanguage = 'ts' | 'js' | 'py' | 'go' | 'rs' | 'java' | 'c' | 'cpp' | 'rb' | 'other';

const LANGUAGE_BY_EXTENSION: ReadonlyMap<string, SourceLanguage> = new Map<string, SourceLanguage>([
  ['ts', 'ts'],
  ['tsx', 'ts'],
  ['mts', 'ts'],
  ['cts', 'ts'],
  ['js', 'js'],
  ['jsx', 'js'],
  ['mjs', 'js'],
  ['cjs', 'js'],
  ['py', 'py'],
  ['go', 'go'],
  ['rs', 'rs'],
  ['java', 'java'],
  ['c', 'c'],
  ['h', 'c'],
  ['cc', 'cpp'],
  ['cpp', 'cpp'],
  ['cxx', 'cpp'],
  ['hpp', 'cpp'],
  ['hh', 'cpp'],
  ['hxx', 'cpp'],
  ['rb', 'rb'],
]);

/** Source files in languages the audit has no parser for, still worth a size and TODO check. */
const OTHER_SOURCE_EXTENSIONS: ReadonlySet<string> = new Set([
  'kt',
  'kts',
  'swift',
  'cs',
  'php',
  'scala',
  'sh',
  'bash',
  'lua',
  'dart',
  'ex',
  'exs',
  'vue',
  'svelte',
]);

/** Generated or declaration-only files that look like source but are not worth auditing. */
const SKIPPED_SUFFIXES = ['.d.ts', '.d.mts', '.d.cts', '.min.js', '.min.mjs', '.bundle.js'] as const;

function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The language of a file, from its extension; `other` when the audit has no parser for it. */
export function languageOfPath(path: string): SourceLanguage {
  return LANGUAGE_BY_EXTENSION.get(extensionOf(path)) ?? 'other';
}

/** True when the path names a source file the audit should read (by extension; declarations and bundles excluded). */
export function isSourcePath(path: string): boolean {
  const lower = path.toLowerCase();
  if (SKIPPED_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return false;
  const extension = extensionOf(path);
  return LANGUAGE_BY_EXTENSION.has(extension) || OTHER_SOURCE_EXTENSIONS.has(extension);
}

/** True for languages whose blocks are delimited by braces (the brace-matching analyses apply). */
export function usesBraces(language: SourceLanguage): boolean {
  return language !== 'py' && language !== 'rb' && language !== 'other';
}

/** True for JavaScript and TypeScript, whose imports the audit resolves. */
export function isScript(language: SourceLanguage): boolean {
  return language === 'ts' || language === 'js';
}
