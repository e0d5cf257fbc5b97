import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Message } from '../../../protocol/index.js';
import { api } from '../api.js';
import type { ClientState } from '../client-state.js';
import { messageColor } from '../colors.js';
import { firstLine, shortTime } from '../format.js';
import { useClient } from '../use-client.js';

const ROW_HEIGHT = 26;
const PAGE = 100;
const OVERSCAN = 8;
const MAX_NEWER = 2000;

interface Filter {
  type: string;
  instance: string;
}

function matches(message: Message, filter: Filter): boolean {
  if (filter.type !== '' && message.type !== filter.type) return false;
  if (filter.instance !== '' && message.from !== filter.instance && message.to !== filter.instance) return false;
  return true;
}

/**
 * Every message of the run, newest first, filterable by type and instance. Only the rows in sight are in the
 * DOM: older rows come from the server a page at a time, as of an anchor; live rows arrive over SSE on top.
 */
export function Timeline({ client, onOpen }: { client: ClientState; onOpen: (message: Message) => void }) {
  const snapshot = useClient(client);
  const [filter, setFilter] = useState<Filter>({ type: '', instance: '' });
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const [, setTick] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const replaySeq = snapshot.replay?.seq ?? null;
  // What the server part of the list is anchored to: a history sequence and the filter.
  const anchor = useRef<{ at: number; total: number; pages: Map<number, Message[] | 'loading'>; key: string }>({ at: 0, total: 0, pages: new Map(), key: '' });
  // Live rows since the anchor, oldest first (appending is cheap; they are shown newest first).
  const newer = useRef<Message[]>([]);

  const key = `${filter.type}|${filter.instance}|${replaySeq ?? 'live'}|${snapshot.loaded ? 'loaded' : 'loading'}`;
  if (anchor.current.key !== key) {
    const at = replaySeq ?? snapshot.live.seq;
    anchor.current = { at, total: 0, pages: new Map(), key };
    newer.current = [];
    const state = anchor.current;
    void api.messages({ at, type: filter.type, instance: filter.instance, offset: 0, limit: PAGE }).then((page) => {
      if (anchor.current !== state) return;
      state.total = page.total;
      state.pages.set(0, page.rows);
      setTick((value) => value + 1);
    });
  }

  useEffect(
    () =>
      client.onMessages((entries, replayed) => {
        const state = anchor.current;
        if (replayed) {
          // A playing replay: re-anchor to where it is now.
          return;
        }
        if (replaySeq !== null) return;
        let added = 0;
        for (const { message, historySeq } of entries) {
          if (historySeq <= state.at || !matches(message, filter)) continue;
          newer.current.push(message);
          added += 1;
        }
        if (added === 0) return;
        if (newer.current.length > MAX_NEWER) anchor.current = { ...state, key: '' };
        const element = box.current;
        if (element !== null && element.scrollTop > 0) element.scrollTop += added * ROW_HEIGHT;
        setTick((value) => value + 1);
      }),
    [client, filter, replaySeq],
  );

  useEffect(() => {
    const element = box.current;
    if (element === null) return undefined;
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    setViewport(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  const state = anchor.current;
  const liveRows = newer.current;
  const total = liveRows.length + state.total;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);

  const rows: { index: number; message: Message | null }[] = [];
  for (let index = first; index < last; index += 1) {
    if (index < liveRows.length) {
      rows.push({ index, message: liveRows[liveRows.length - 1 - index] ?? null });
      continue;
    }
    const offset = index - liveRows.length;
    const pageNumber = Math.floor(offset / PAGE);
    const page = state.pages.get(pageNumber);
    if (page === undefined) {
      state.pages.set(pageNumber, 'loading');
      void api.messages({ at: state.at, type: filter.type, instance: filter.instance, offset: pageNumber * PAGE, limit: PAGE }).then((loaded) => {
        if (anchor.current !== state) return;
        state.pages.set(pageNumber, loaded.rows);
        setTick((value) => value + 1);
      });
    }
    rows.push({ index, message: page === undefined || page === 'loading' ? null : (page[offset % PAGE] ?? null) });
  }

  const types = useMemo(() => Object.keys(snapshot.live.messages.byType).sort(), [snapshot.live.messages.count]);
  const participants = useMemo(() => ['human', ...Object.keys(snapshot.live.instances).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))], [snapshot.version]);

  return (
    <section class="panel timeline">
      <header>
        <h2>Messages</h2>
        <span class="muted" data-testid="timeline-total">
          {total}
        </span>
        <select data-testid="filter-type" value={filter.type} onChange={(event) => setFilter({ ...filter, type: (event.target as HTMLSelectElement).value })}>
          <option value="">all types</option>
          {types.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
        <select data-testid="filter-instance" value={filter.instance} onChange={(event) => setFilter({ ...filter, instance: (event.target as HTMLSelectElement).value })}>
          <option value="">everyone</option>
          {participants.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </header>
      <div class="timeline-scroll" ref={box} onScroll={(event) => setScrollTop((event.target as HTMLDivElement).scrollTop)}>
        <div class="timeline-space" style={{ height: `${total * ROW_HEIGHT}px` }}>
          {rows.map(({ index, message }) =>
            message === null ? (
              <div key={`p${index}`} class="timeline-row placeholder" style={{ top: `${index * ROW_HEIGHT}px` }}>
                …
              </div>
            ) : (
              <div key={message.id} class="timeline-row" data-message-id={message.id} data-type={message.type} style={{ top: `${index * ROW_HEIGHT}px` }} onClick={() => onOpen(message)}>
                <span class="row-time">{shortTime(message.timestamp)}</span>
                <span class="row-route">
                  {message.from} → {message.to}
                </span>
                <span class="row-type" style={{ color: messageColor(message.type) }}>
                  {message.type}
                </span>
                <span class="row-content">{firstLine(message.content)}</span>
              </div>
            ),
          )}
        </div>
      </div>
    </section>
  );
}
