import { readFile } from 'node:fs/promises';
import { messageTypeSchema } from '../../protocol/index.js';
import { StoreError } from '../../store/index.js';
import { CliError } from '../cli-error.js';
import { openExistingRun, requireKnownInstance } from '../run-directory.js';

export interface SendFlags {
  to: string;
  type?: string;
  runDir?: string;
  /** The store to read, when this host has no run directory for it (e.g. postgres://… from another host). */
  store?: string;
  json?: boolean;
  /** Read the text from this file instead of the arguments. */
  file?: string;
}

/** The text to send: the arguments, standard input (`-`), or a file (`--file`); never two of them. */
async function messageText(words: readonly string[], flags: SendFlags): Promise<string> {
  const fromStdin = words.length === 1 && words[0] === '-';
  if (flags.file !== undefined) {
    if (words.length > 0) throw new CliError('give the message either as text or with --file, not both');
    try {
      return await readFile(flags.file, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${flags.file}: ${(error as Error).message}`);
    }
  }
  if (!fromStdin) return words.join(' ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** `tachikoma send --to <instance|broadcast> <text>`: a message from the human, into a live or stopped run. */
export async function sendCommand(words: string[], flags: SendFlags): Promise<number> {
  const text = (await messageText(words, flags)).trim();
  if (text === '') throw new CliError('nothing to send: give the message text after the options, - to read it from standard input, or --file');
  const type = messageTypeSchema.safeParse(flags.type ?? 'question');
  if (!type.success) throw new CliError(type.error.issues[0]?.message ?? 'unknown message type');
  const { store } = await openExistingRun(flags.runDir, flags.store);
  try {
    if (flags.to !== 'broadcast') await requireKnownInstance(store, flags.to);
    const message = await store.publish({ from: 'human', to: flags.to, type: type.data, content: text });
    process.stdout.write(flags.json === true ? `${JSON.stringify(message)}\n` : `sent ${message.id} (seq ${message.seq}) to ${message.to}\n`);
    return 0;
  } catch (error) {
    if (StoreError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}
