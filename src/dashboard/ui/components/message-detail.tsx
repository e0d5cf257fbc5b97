import { useEffect, useState } from 'preact/hooks';
import type { Message } from '../../../protocol/index.js';
import { api } from '../api.js';
import { messageColor } from '../colors.js';

/** One message in full (its content fetched whole when the timeline had it cut). */
export function MessageDetail({ message, onClose }: { message: Message; onClose: () => void }) {
  const [full, setFull] = useState<Message>(message);
  useEffect(() => {
    setFull(message);
    if (typeof message.metadata.truncated === 'number') void api.message(message.id).then(setFull).catch(() => undefined);
  }, [message.id]);
  return (
    <section class="panel message-detail" data-testid="message-detail">
      <header>
        <h2 style={{ color: messageColor(full.type) }}>{full.type}</h2>
        <span class="muted">
          {full.from} → {full.to} · seq {full.seq} · {new Date(full.timestamp).toLocaleString()}
        </span>
        <button type="button" class="small" onClick={onClose}>
          close
        </button>
      </header>
      <pre class="message-content">{full.content}</pre>
      {Object.keys(full.metadata).length > 0 && <pre class="message-metadata">{JSON.stringify(full.metadata, null, 2)}</pre>}
    </section>
  );
}
