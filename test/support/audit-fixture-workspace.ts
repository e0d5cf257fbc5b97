import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AuditFinding } from '../../src/audit/audit-finding.js';
import { readSourceFile, type SourceFile } from '../../src/audit/source-file.js';

/** A throw-away workspace on disk holding the given files, for tests. */
export interface FixtureWorkspace {
  readonly root: string;
  /** Reads one fixture file the way the audit does. */
  read(path: string): SourceFile;
  /** Reads every fixture file written at creation, in path order. */
  readAll(): SourceFile[];
  /** The text of the line an evidence reference (`path:line`) points at; throws when that line does not exist. */
  lineAt(reference: string): string;
  remove(): void;
}

/** Writes `files` (posix relative path → text) under a fresh folder in the OS temp dir. */
export function createFixtureWorkspace(files: Readonly<Record<string, string>>): FixtureWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'tachikoma-audit-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const paths = Object.keys(files).sort();
  return {
    root,
    read: (path) => readSourceFile(root, path),
    readAll: () => paths.map((path) => readSourceFile(root, path)),
    lineAt: (reference) => evidenceLine(root, reference),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Reads the line an evidence reference points at, straight from disk; throws when the file or line is missing. */
export function evidenceLine(root: string, reference: string): string {
  const match = /^(.+):(\d+)$/.exec(reference);
  if (match?.[1] === undefined || match[2] === undefined) throw new Error(`malformed evidence reference ${reference}`);
  const lines = readFileSync(join(root, match[1]), 'utf8').split(/\r?\n/);
  const number = Number(match[2]);
  const line = lines[number - 1];
  if (number < 1 || line === undefined || (number === lines.length && line === '')) {
    throw new Error(`evidence ${reference} points past the end of the file`);
  }
  return line;
}

/** Every evidence line of every finding, with the finding it belongs to (for line-by-line assertions). */
export function evidenceLines(
  workspace: FixtureWorkspace,
  findings: readonly AuditFinding[],
): Array<{ finding: AuditFinding; reference: string; text: string }> {
  return findings.flatMap((finding) =>
    finding.evidence.map((reference) => ({ finding, reference, text: workspace.lineAt(reference) })),
  );
}

/** The finding with `key`; throws listing the keys present when there is none. */
export function byKey(findings: readonly AuditFinding[], key: string): AuditFinding {
  const found = findings.find((finding) => finding.key === key);
  if (found === undefined) throw new Error(`no finding ${key}; got ${findings.map((finding) => finding.key).join(', ')}`);
  return found;
}

/** Joins lines into file text with a final newline. */
export function lines(...content: string[]): string {
  return `${content.join('\n')}\n`;
}
