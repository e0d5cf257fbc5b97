const TEST_FOLDERS: ReadonlySet<string> = new Set(['test', 'tests', '__tests__', 'spec', 'specs', 'testing']);

const TEST_NAME_PATTERNS: readonly RegExp[] = [
  /\.(test|spec|int\.test|e2e)\.[cm]?[jt]sx?$/,
  /(^|\/)test_[^/]+\.py$/,
  /_test\.(py|go)$/,
  /_spec\.rb$/,
  /(Test|Tests|IT)\.java$/,
];

/** True when a path is a test: a `*.test.*`/`*.spec.*` name, `test_*.py`, `*_test.go`, or inside a test folder. */
export function isTestPath(path: string): boolean {
  if (TEST_NAME_PATTERNS.some((pattern) => pattern.test(path))) return true;
  const folders = path.split('/').slice(0, -1);
  return folders.some((folder) => TEST_FOLDERS.has(folder));
}

/**
 * The module name a test file is named after, lowercased: `store.test.ts` → `store`, `test_parser.py` →
 * `parser`, `ParserTest.java` → `parser`, `queue_test.go` → `queue`.
 */
export function testedNameOf(testPath: string): string {
  let name = testPath.slice(testPath.lastIndexOf('/') + 1);
  name = name.replace(/\.[^.]+$/, '');
  name = name.replace(/\.(test|spec|int\.test|e2e)$/, '');
  name = name.replace(/^test_/, '').replace(/_(test|spec)$/, '');
  name = name.replace(/(Tests?|IT)$/, '');
  return name.toLowerCase();
}

/** The lowercased file name of a module without its extension: `src/store/new-id.ts` → `new-id`. */
export function moduleNameOf(path: string): string {
  return path
    .slice(path.lastIndexOf('/') + 1)
    .replace(/\.[^.]+$/, '')
    .toLowerCase();
}

/** Where a test for a module would conventionally go: `x.test.ts`, `test_x.py`, `x_test.go`, `XTest.java`, `x_spec.rb`. */
export function suggestedTestPath(path: string): string {
  const slash = path.lastIndexOf('/') + 1;
  const folder = path.slice(0, slash);
  const name = path.slice(slash);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  if (extension === '.py') return `${folder}test_${stem}.py`;
  if (extension === '.go') return `${folder}${stem}_test.go`;
  if (extension === '.java') return `${folder}${stem}Test.java`;
  if (extension === '.rb') return `${folder}${stem}_spec.rb`;
  return `${folder}${stem}.test${extension}`;
}
