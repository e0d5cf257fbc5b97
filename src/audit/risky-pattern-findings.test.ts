import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from './analyze-file.js';
import type { AuditFinding } from './audit-finding.js';
import { createSourceFile } from './source-file.js';
import { byKey, createFixtureWorkspace, evidenceLines, lines } from '../../test/support/audit-fixture-workspace.js';

const workspace = createFixtureWorkspace({
  'src/risky.ts': lines(
    "import { exec } from 'node:child_process';",
    'export function run(dir: string, html: string, user: string, payload: unknown): void {',
    '  eval(html);',
    "  const make = new Function('a', 'return a');",
    '  exec(`ls ${dir}`);',
    "  exec('rm -rf ' + dir);",
    '  document.body.innerHTML = html;',
    '  const loose = payload as any;',
    '  // eslint-disable-next-line no-console',
    '  // @ts-ignore',
    '  try { make(); } catch (error) {}',
    '  try {',
    '    loose.go();',
    '  } catch {',
    '  }',
    '  const password = "hunter22";',
    "  const config = { apiKey: 'sk-live-1234567890' };",
    '  const sessionId = Math.random().toString(36);',
    "  fetch('http://api.service.io/data');",
    '  const agent = { rejectUnauthorized: false };',
    `  const query = "SELECT * FROM users WHERE name = '" + user + "'";`,
    "  const byName = `SELECT * FROM users WHERE name = '${user}'`;",
    '}',
  ),
  'src/safe.ts': lines(
    'const pattern = /x/;',
    'const found = pattern.exec(`${name}`);',
    'const value = schema.catch("fallback").parse({});',
    'try { go(); } catch (error) { /* ignored on purpose */ }',
    'const label = "Please select an item from the list";',
    '// see http://insecure.example.net/docs, and never eval(x) or use as any',
    'const docs = "https://secure.service.io";',
    'const ns = "http://www.w3.org/2000/svg";',
    'interface Login { password: string }',
    'const password = process.env.PASSWORD;',
    'const passwordLabel = "Enter your password";',
    'const apiKeyName = "OPENAI_API_KEY";',
    'const delay = Math.random() * 1000;',
    'const text = "eval(x) and as any and innerHTML = y";',
    'const row = db.prepare("SELECT * FROM users WHERE id = ?").get(id);',
    "const locked = await db.query(`SELECT id FROM tasks WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);",
    'const matcher = /catch \\{\\}/;',
    '// eslint-disable-next-line no-console -- the CLI prints here',
  ),
  'src/login.test.ts': lines(
    "const form = { user: 'ana', password: 'peanuts' };",
    // Built at run time so this test file does not itself hold a token-shaped string.
    `const leaked = 'ghp_${'a1B2'.repeat(9)}';`,
  ),
  'src/risky.py': lines(
    'import os, subprocess, pickle, random',
    'def run(cmd, user):',
    '    eval(cmd)',
    '    exec(cmd)',
    '    os.system(f"ls {cmd}")',
    '    subprocess.run(cmd, shell=True)',
    '    try:',
    '        os.remove(cmd)',
    '    except Exception:',
    '        pass',
    '    secret_key = "abcd1234efgh"',
    '    token = random.choice(letters)',
    '    requests.get(cmd, verify=False)',
    `    cursor.execute("SELECT * FROM users WHERE name = '%s'" % user)`,
    '    data = pickle.loads(cmd)',
    '    import json  # noqa',
  ),
});
afterAll(() => workspace.remove());

function analyze(path: string): AuditFinding[] {
  return analyzeFile(workspace.read(path));
}

const RISKY_TS: Record<string, RegExp> = {
  eval: /eval\(html\)/,
  'new-function': /new Function/,
  'shell-interpolation': /exec\(/,
  'inner-html': /innerHTML =/,
  'any-cast': /as any/,
  'lint-disabled': /eslint-disable/,
  'type-check-suppressed': /@ts-ignore/,
  'empty-catch': /catch/,
  'hard-coded-secret': /password = "hunter22"|apiKey: 'sk-live/,
  'insecure-random': /Math\.random/,
  'insecure-url': /http:\/\//,
  'tls-verification-disabled': /rejectUnauthorized: false/,
  'sql-concatenation': /SELECT .*(?:\+ user|\$\{user\})/,
};

const RISKY_PY: Record<string, RegExp> = {
  eval: /eval\(cmd\)/,
  'python-exec': /exec\(cmd\)/,
  'shell-interpolation': /os\.system\(f"|shell=True/,
  'empty-catch': /except Exception:/,
  'hard-coded-secret': /secret_key = "/,
  'insecure-random': /random\.choice/,
  'tls-verification-disabled': /verify=False/,
  'sql-concatenation': /" % user/,
  'unsafe-deserialization': /pickle\.loads/,
  'lint-disabled': /# noqa/,
};

describe('analyzeFile: risky patterns', () => {
  it.each([
    ['src/risky.ts', RISKY_TS],
    ['src/risky.py', RISKY_PY],
  ])('finds every risky pattern in %s, each evidence line showing it', (path, expected) => {
    const findings = analyze(path).filter((finding) => finding.category === 'risky_pattern');
    expect(findings.map((finding) => finding.key).sort()).toEqual(
      Object.keys(expected).map((rule) => `risky_pattern:${path}:${rule}`).sort(),
    );
    for (const { finding, reference, text } of evidenceLines(workspace, findings)) {
      const rule = finding.key.split(':').at(-1) ?? '';
      expect(text, `${reference} for ${rule}`).toMatch(expected[rule] ?? /^$/);
    }
  });

  it('cites both empty catch forms and both shell commands', () => {
    const findings = analyze('src/risky.ts');
    expect(byKey(findings, 'risky_pattern:src/risky.ts:empty-catch').evidence).toEqual(['src/risky.ts:11', 'src/risky.ts:14']);
    expect(byKey(findings, 'risky_pattern:src/risky.ts:shell-interpolation').evidence).toEqual(['src/risky.ts:5', 'src/risky.ts:6']);
    expect(byKey(findings, 'risky_pattern:src/risky.ts:hard-coded-secret').evidence).toEqual(['src/risky.ts:16', 'src/risky.ts:17']);
    expect(byKey(findings, 'risky_pattern:src/risky.ts:sql-concatenation').evidence).toEqual(['src/risky.ts:21', 'src/risky.ts:22']);
  });

  it('maps matches to the right lines in CRLF files and on the last line without a newline', () => {
    const file = createSourceFile('x.ts', 'a();\r\nconst v = data as any;\r\nb();\r\neval(code);');
    const findings = analyzeFile(file).filter((finding) => finding.category === 'risky_pattern');
    expect(findings.map((finding) => [finding.key, finding.evidence])).toEqual([
      ['risky_pattern:x.ts:eval', ['x.ts:4']],
      ['risky_pattern:x.ts:any-cast', ['x.ts:2']],
    ]);
  });

  it('treats sample passwords in tests as data but still flags real token formats there', () => {
    const findings = analyze('src/login.test.ts').filter((finding) => finding.category === 'risky_pattern');
    expect(findings.map((finding) => [finding.key, finding.evidence])).toEqual([
      ['risky_pattern:src/login.test.ts:hard-coded-secret', ['src/login.test.ts:2']],
    ]);
  });

  it('ignores look-alikes: regex exec, .catch() calls, commented or quoted text, env lookups, placeholders', () => {
    expect(analyze('src/safe.ts').filter((finding) => finding.category === 'risky_pattern')).toEqual([]);
  });
});
