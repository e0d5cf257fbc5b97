import { clampSeverity, evidenceReference, type AuditFinding } from './audit-finding.js';
import { findFunctions } from './find-functions.js';
import type { ImportEdge } from './import-reference.js';
import { scanLines } from './scan-lines.js';
import type { SourceFile } from './source-file.js';
import type { SourceLanguage } from './source-language.js';
import { isTestPath, moduleNameOf, suggestedTestPath, testedNameOf } from './test-path.js';

/** Modules with fewer code lines than this are too small to be worth a test of their own. */
export const MIN_UNTESTED_CODE_LINES = 20;

/** A module some test reaches only through other modules is partly exercised: it matters half as much. */
const INDIRECT_WEIGHT = 0.5;
const TESTABLE_LANGUAGES: ReadonlySet<SourceLanguage> = new Set(['ts', 'js', 'py', 'go', 'rs', 'java', 'rb']);
/** Entry points, barrels and configuration: their behaviour is covered through what they wire together. */
const NOT_A_UNIT = /(?:^|\/)(?:index\.[cm]?[jt]sx?|__init__\.py|__main__\.py|mod\.rs|main\.rs|lib\.rs|conftest\.py|setup\.py|[^/]*\.config\.[cm]?[jt]s)$/;

/** Modules reached from tests following only the edges `follow` accepts (all from the tests themselves). */
function reachedFromTests(
  edges: readonly ImportEdge[],
  tests: ReadonlySet<string>,
  follow: (edge: ImportEdge) => boolean,
): Set<string> {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (!follow(edge)) continue;
    const targets = next.get(edge.from) ?? [];
    targets.push(edge.to);
    next.set(edge.from, targets);
  }
  const reached = new Set<string>();
  const queue = edges.filter((edge) => tests.has(edge.from) && edge.kind !== 'type').map((edge) => edge.to);
  for (let target = queue.pop(); target !== undefined; target = queue.pop()) {
    if (reached.has(target)) continue;
    reached.add(target);
    queue.push(...(next.get(target) ?? []));
  }
  return reached;
}

function hasInlineTests(file: SourceFile): boolean {
  return file.language === 'rs' && /#\[(?:cfg\(test\)|test)\]/.test(file.text);
}

const EXPORTED = /^\s*(?:(?:export|pub|public)\b|module\.exports\b|exports\.)/;

/** The line that best shows the untested surface: the first exported function, else the first export, else the first function. */
function surfaceLine(file: SourceFile, functionStarts: readonly number[]): number {
  const exportedFunction = functionStarts.find((line) => EXPORTED.test(file.lines[line] ?? ''));
  if (exportedFunction !== undefined) return exportedFunction;
  const codes = scanLines(file);
  const exported = file.lines.findIndex((line, index) => EXPORTED.test(line) && EXPORTED.test(codes[index]?.code ?? ''));
  return exported >= 0 ? exported : (functionStarts[0] ?? 0);
}

/**
 * One `untested` finding per module with functions and at least {@link MIN_UNTESTED_CODE_LINES} code lines that no
 * test imports (directly or through a barrel), that no test is named after, and (Go) whose folder has no
 * `_test.go`. Evidence is the module's first (exported) function.
 */
export function untestedFindings(files: readonly SourceFile[], edges: readonly ImportEdge[]): AuditFinding[] {
  const tests = new Set(files.filter((file) => isTestPath(file.path)).map((file) => file.path));
  const reached = reachedFromTests(edges, tests, (edge) => edge.reexport);
  const indirectly = reachedFromTests(edges, tests, (edge) => edge.kind !== 'type');
  const testedNames = new Set([...tests].map(testedNameOf));
  const goTestFolders = new Set(
    [...tests].filter((path) => path.endsWith('_test.go')).map((path) => path.slice(0, path.lastIndexOf('/') + 1)),
  );
  const findings: AuditFinding[] = [];
  for (const file of files) {
    if (tests.has(file.path) || !TESTABLE_LANGUAGES.has(file.language) || NOT_A_UNIT.test(file.path)) continue;
    if (reached.has(file.path) || testedNames.has(moduleNameOf(file.path)) || hasInlineTests(file)) continue;
    if (file.language === 'go' && goTestFolders.has(file.path.slice(0, file.path.lastIndexOf('/') + 1))) continue;
    const codeLines = scanLines(file).filter((line) => line.code.trim() !== '').length;
    const functionStarts = findFunctions(file).map((span) => span.start);
    if (codeLines < MIN_UNTESTED_CODE_LINES || functionStarts.length === 0) continue;
    const line = surfaceLine(file, functionStarts);
    const indirect = indirectly.has(file.path);
    const functions = `${functionStarts.length} function${functionStarts.length === 1 ? '' : 's'}`;
    findings.push({
      category: 'untested',
      severity: clampSeverity((0.2 + 0.3 * Math.min(1, codeLines / 400)) * (indirect ? INDIRECT_WEIGHT : 1)),
      title: `${file.path} has no tests (${functions}, ${codeLines} code lines)`,
      detail:
        `No test file imports ${file.path} or is named after it, so nothing automatic checks a change to its ` +
        `${functions}. Add a test next to it (for example ` +
        `${suggestedTestPath(file.path)}) that exercises its public functions, starting with ` +
        `the one on line ${line + 1}.` +
        (indirect ? ' Some test reaches it only indirectly, through modules that import it.' : ''),
      evidence: [evidenceReference(file.path, line + 1)],
      path: file.path,
      key: `untested:${file.path}`,
    });
  }
  return findings;
}
