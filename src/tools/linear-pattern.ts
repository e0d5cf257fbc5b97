import { RE2JS } from 're2js';

/** A compiled search pattern whose matching time is linear in the text (RE2 semantics, no backtracking). */
export interface LinearPattern {
  test(text: string): boolean;
}

/**
 * Compiles a pattern that came from a model or a file. JavaScript's RegExp backtracks, so `(a+)+$` on a long
 * line of `a`s blocks the event loop for minutes (heartbeats stop, the instance is killed as stale, the same
 * turn replays forever); RE2 matches in time linear in the line, whatever the pattern. Backreferences and
 * lookaround have no linear-time form and are refused with a message saying so.
 */
export function compileLinearPattern(pattern: string): LinearPattern {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`invalid pattern: ${reason} (patterns use RE2 syntax, matched in linear time: no backreferences or lookaround)`);
  }
  return { test: (text) => compiled.matcher(text).find() };
}
