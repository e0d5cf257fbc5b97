import { WriteStream } from 'node:tty';
import pc from 'picocolors';

/** picocolors' set of colour functions. */
export type Colours = ReturnType<typeof pc.createColors>;

/**
 * Whether output to `stream` may carry colour. On a terminal, Node's own check (`hasColors`: NO_COLOR,
 * FORCE_COLOR, NODE_DISABLE_COLORS, TERM=dumb). Anywhere else (a pipe, a file) never, unless FORCE_COLOR asks,
 * read by Node's rules too. (picocolors alone would colour a pipe whenever CI is set.)
 */
export function hasColour(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (stream.isTTY === true && stream instanceof WriteStream) return stream.hasColors(env);
  return env.FORCE_COLOR !== undefined && WriteStream.prototype.getColorDepth(env) > 1;
}

/** picocolors' colour functions, plain when `enabled` is false. */
export function colours(enabled: boolean): Colours {
  return pc.createColors(enabled);
}

/** cli-table3's style: cyan heads and grey borders, or none at all (cli-table3 would colour a pipe otherwise). */
export function tableStyle(enabled: boolean): { head: string[]; border: string[] } {
  return enabled ? { head: ['cyan'], border: ['gray'] } : { head: [], border: [] };
}
