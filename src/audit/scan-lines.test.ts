import { describe, expect, it } from 'vitest';
import { scanLines } from './scan-lines.js';
import { createSourceFile } from './source-file.js';

function scan(path: string, ...content: string[]): ReturnType<typeof scanLines> {
  return scanLines(createSourceFile(path, content.join('\n')));
}

describe('scanLines', () => {
  it('blanks string contents and comments in code, keeping columns and quotes', () => {
    const [line] = scan('a.ts', `const url = "http://x"; // eval("no")`);
    expect(line?.code).toBe(`const url = "        ";              `);
    expect(line?.code.length).toBe(`const url = "http://x"; // eval("no")`.length);
    expect(line?.stripped).toBe(`const url = "http://x";              `);
    expect(line?.comment).toBe(' eval("no")');
    expect(line?.strings).toEqual(['http://x']);
  });

  it('tracks block comments across lines', () => {
    const lines = scan('a.ts', 'a(); /* start', ' TODO: inside */ b();');
    expect(lines.map((line) => line.code.trim())).toEqual(['a();', 'b();']);
    expect(lines[1]?.comment).toBe(' TODO: inside ');
  });

  it('keeps template interpolations as code, including nested braces and strings', () => {
    const lines = scan('a.ts', 'const s = `rm ${dir} ${ {a: "}"}.a } -rf', 'still template ${x}`; after();');
    expect(lines[0]?.code).toContain('${dir}');
    expect(lines[0]?.code).toContain('{a: " "}');
    expect(lines[0]?.strings).toEqual(['rm ', ' ', '}', ' -rf']);
    expect(lines[1]?.code.trim()).toBe('${x}`; after();');
    expect(lines[1]?.strings[0]).toBe('still template ');
  });

  it('treats regex literals as opaque but keeps division as code', () => {
    const [regex, division] = scan('a.ts', `const re = /["'\\/]+/g; call();`, 'const half = total / 2; // note');
    expect(regex?.code).toMatch(/^const re = \/ +; call\(\);$/);
    expect(division?.code.trimEnd()).toBe('const half = total / 2;');
    expect(division?.comment).toBe(' note');
  });

  it('reads Python comments and triple-quoted strings', () => {
    const lines = scan('a.py', 'x = "#not a comment"  # real comment', '"""doc', 'def fake(): # nope', '"""', 'y = 1');
    expect(lines[0]?.comment).toBe(' real comment');
    expect(lines[0]?.strings).toEqual(['#not a comment']);
    expect(lines[2]?.code.trim()).toBe('');
    expect(lines[2]?.comment).toBe('');
    expect(lines[4]?.code).toBe('y = 1');
  });

  it('does not mistake Rust lifetimes for character literals', () => {
    const [signature, character] = scan('a.rs', "fn first<'a>(x: &'a str) -> &'a str { x } // c", "let c = '{';");
    expect(signature?.code).toContain('{ x }');
    expect(signature?.comment).toBe(' c');
    expect(character?.code).toBe("let c = ' ';");
  });
});
