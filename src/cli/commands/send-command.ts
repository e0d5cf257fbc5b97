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
}

/** `tachikoma send --to <instance|broadcast> <text>`: a message from the human, into a live or stopped run. */
export async function sendCommand(words: string[], flags: SendFlags): Promise<number> {
  const text = words.join(' ').trim();
  if (text === '') throw new CliError('nothing to send: give the message text after the options');
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
