import { useState } from 'preact/hooks';
import { api } from '../api.js';
import type { ClientState } from '../client-state.js';
import { firstLine, shortTime } from '../format.js';
import { useClient } from '../use-client.js';

/** Talk to the collective: one instance or everyone. Replies to the human show below as they arrive. */
export function SendBox({ client }: { client: ClientState }) {
  const snapshot = useClient(client);
  const [to, setTo] = useState('broadcast');
  const [text, setText] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [sending, setSending] = useState(false);
  const ids = Object.keys(snapshot.live.instances).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const replies = snapshot.live.messages.recent.filter((message) => message.to === 'human').slice(-6).reverse();

  const send = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (text.trim() === '' || sending) return;
    setSending(true);
    try {
      const message = await api.send({ to, text });
      setStatus({ ok: true, text: `sent to ${message.to} (seq ${message.seq})` });
      setText('');
    } catch (error) {
      setStatus({ ok: false, text: (error as Error).message });
    } finally {
      setSending(false);
    }
  };

  return (
    <section class="panel send">
      <form onSubmit={(event) => void send(event)}>
        <select data-testid="send-to" value={to} onChange={(event) => setTo((event.target as HTMLSelectElement).value)}>
          <option value="broadcast">everyone (broadcast)</option>
          {ids.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
        <input data-testid="send-text" type="text" maxLength={65536} placeholder="message the collective…" value={text} onInput={(event) => setText((event.target as HTMLInputElement).value)} />
        <button data-testid="send-button" type="submit" disabled={sending || text.trim() === ''}>
          send
        </button>
      </form>
      {status !== null && <p class={status.ok ? 'muted' : 'error'} data-testid="send-status">{status.text}</p>}
      <ul class="replies" data-testid="replies">
        {replies.map((message) => (
          <li key={message.id} data-reply-id={message.id}>
            <span class="row-time">{shortTime(message.timestamp)}</span> <b>{message.from}</b>: {firstLine(message.content, 300)}
          </li>
        ))}
      </ul>
    </section>
  );
}
