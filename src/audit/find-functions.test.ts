import { describe, expect, it } from 'vitest';
import { findFunctions } from './find-functions.js';
import { createSourceFile } from './source-file.js';

function spans(path: string, ...content: string[]): Array<[string, number, number]> {
  return findFunctions(createSourceFile(path, content.join('\n'))).map((span) => [span.name, span.start + 1, span.end + 1]);
}

describe('findFunctions', () => {
  it('finds TS declarations, methods, getters, object-typed returns and generators, skipping calls', () => {
    expect(
      spans(
        'a.ts',
        'export default function () {',
        '  return 1;',
        '}',
        'const obj = {',
        '  method(a: string): { x: number } {',
        '    return { x: 1 };',
        '  },',
        '  handler: async function (e: Event) {',
        '    return e;',
        '  },',
        '  get value() {',
        '    return 1;',
        '  },',
        '};',
        'export const typed = (): { ok: boolean } => {',
        '  return { ok: true };',
        '};',
        'function* gen() {',
        '  yield 1;',
        '}',
        "describe('suite', () => {",
        "  it('case', () => {});",
        '});',
      ),
    ).toEqual([
      ['default', 1, 3],
      ['method', 5, 7],
      ['handler', 8, 10],
      ['value', 11, 13],
      ['typed', 15, 17],
      ['gen', 18, 20],
    ]);
  });

  it('finds Go, Rust, Java and C functions, naming methods after their type', () => {
    expect(spans('a.go', 'func (s *Server) Handle(w Writer) error {', '\treturn nil', '}')).toEqual([['Handle', 1, 3]]);
    expect(
      spans(
        'a.rs',
        'impl Parser {',
        "    pub fn parse<'a>(&self, input: &'a str) -> Vec<&'a str>",
        '    where',
        '        Self: Sized,',
        '    {',
        "        let c = '{';",
        '        vec![]',
        '    }',
        '}',
        'trait T { fn decl(&self); }',
      ),
    ).toEqual([['Parser.parse', 2, 8]]);
    expect(
      spans(
        'A.java',
        'public class A {',
        '  public static List<String> names(Map<String, Integer> m) throws IOException {',
        '    return null;',
        '  }',
        '}',
      ),
    ).toEqual([['A.names', 2, 4]]);
    expect(spans('a.c', 'static int', 'main(int argc, char **argv)', '{', '  return 0;', '}', 'int declared(void);')).toEqual([['main', 2, 5]]);
  });

  it('finds Python and Ruby functions by indentation and keywords', () => {
    expect(
      spans(
        'a.py',
        'class Shop:',
        '    def buy(',
        '        self,',
        '    ):',
        '        """doc"""',
        '        return 1',
        '',
        'def one(): return 1',
        'x = 2',
      ),
    ).toEqual([
      ['Shop.buy', 2, 6],
      ['one', 8, 8],
    ]);
    expect(spans('a.rb', 'class A', '  def run(x)', '    if x', '      1', '    end', '  end', 'end')).toEqual([['run', 2, 6]]);
  });
});
