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

interface Anchor {
  at: number;
  total: number;
  pages: Map<number, Message[] | 'loading'>;
  key: string;
}

type Snapshot = ReturnType<typeof useClient>;

/** A page of the server part of the list, fetched once; `refresh` re-renders when it arrives. */
function loadPage(anchor: { current: Anchor }, state: Anchor, filter: Filter, pageNumber: number, refresh: () => void): void {
  state.pages.set(pageNumber, 'loading');
  void api.messages({ at: state.at, type: filter.type, instance: filter.instance, offset: pageNumber * PAGE, limit: PAGE }).then((page) => {
    if (anchor.current !== state) return;
    if (pageNumber === 0) state.total = page.total;
    state.pages.set(pageNumber, page.rows);
    refresh();
  });
}

/**
 * The list's rows: the server part anchored to a history sequence and the filter (fetched a page at a time),
 * and the live rows that arrived over SSE since the anchor, on top.
 */
function useTimelineRows(client: ClientState, snapshot: Snapshot, filter: Filter, box: { current: HTMLDivElement | null }) {
  const [, setTick] = useState(0);
  const refresh = (): void => setTick((value) => value + 1);
  const replaySeq = snapshot.replay?.seq ?? null;
  const anchor = useRef<Anchor>({ at: 0, total: 0, pages: new Map(), key: '' });
  // Live rows since the anchor, oldest first (appending is cheap; they are shown newest first).
  const newer = useRef<Message[]>([]);
  const key = `${filter.type}|${filter.instance}|${replaySeq ?? 'live'}|${snapshot.loaded ? 'loaded' : 'loading'}`;
  if (anchor.current.key !== key) {
    anchor.current = { at: replaySeq ?? snapshot.live.seq, total: 0, pages: new Map(), key };
    newer.current = [];
    loadPage(anchor, anchor.current, filter, 0, refresh);
  }
  useEffect(
    () =>
      client.onMessages((entries, replayed) => {
        // A playing replay re-anchors to where it is now; a paused one takes no live rows.
        if (replayed || replaySeq !== null) return;
        const state = anchor.current;
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
        refresh();
      }),
    [client, filter, replaySeq],
  );
  const state = anchor.current;
  const liveRows = newer.current;
  const rowsBetween = (first: number, last: number): { index: number; message: Message | null }[] => {
    const rows: { index: number; message: Message | null }[] = [];
    for (let index = first; index < last; index += 1) {
      if (index < liveRows.length) {
        rows.push({ index, message: liveRows[liveRows.length - 1 - index] ?? null });
        continue;
      }
      const offset = index - liveRows.length;
      const pageNumber = Math.floor(offset / PAGE);
      const page = state.pages.get(pageNumber);
      if (page === undefined) loadPage(anchor, state, filter, pageNumber, refresh);
      rows.push({ index, message: page === undefined || page === 'loading' ? null : (page[offset % PAGE] ?? null) });
    }
    return rows;
  };
  return { total: liveRows.length + state.total, rowsBetween };
}

/** The height of the scroll box, kept current as it resizes. */
function useViewportHeight(box: { current: HTMLDivElement | null }): number {
  const [viewport, setViewport] = useState(400);
  useEffect(() => {
    const element = box.current;
    if (element === null) return undefined;
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    setViewport(element.clientHeight);
    return () => observer.disconnect();
  }, []);
  return viewport;
}

function FilterSelect({ testId, value, all, choices, onChange }: { testId: string; value: string; all: string; choices: string[]; onChange: (value: string) => void }) {
  return (
    <select data-testid={testId} value={value} onChange={(event) => onChange((event.target as HTMLSelectElement).value)}>
      <option value="">{all}</option>
      {choices.map((choice) => (
        <option key={choice} value={choice}>
          {choice}
        </option>
      ))}
    </select>
  );
}

function TimelineRow({ index, message, onOpen }: { index: number; message: Message | null; onOpen: (message: Message) => void }) {
  if (message === null) {
    return (
      <div class="timeline-row placeholder" style={{ top: `${index * ROW_HEIGHT}px` }}>
        …
      </div>
    );
  }
  return (
    <div class="timeline-row" data-message-id={message.id} data-type={message.type} style={{ top: `${index * ROW_HEIGHT}px` }} onClick={() => onOpen(message)}>
      <span class="row-time">{shortTime(message.timestamp)}</span>
      <span class="row-route">
        {message.from} → {message.to}
      </span>
      <span class="row-type" style={{ color: messageColor(message.type) }}>
        {message.type}
      </span>
      <span class="row-content">{firstLine(message.content)}</span>
    </div>
  );
}

/**
 * Every message of the run, newest first, filterable by type and instance. Only the rows in sight are in the
 * DOM: older rows come from the server a page at a time, as of an anchor; live rows arrive over SSE on top.
 */
export function Timeline({ client, onOpen }: { client: ClientState; onOpen: (message: Message) => void }) {
  const snapshot = useClient(client);
  const [filter, setFilter] = useState<Filter>({ type: '', instance: '' });
  const [scrollTop, setScrollTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const viewport = useViewportHeight(box);
  const { total, rowsBetween } = useTimelineRows(client, snapshot, filter, box);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const types = useMemo(() => Object.keys(snapshot.live.messages.byType).sort(), [snapshot.live.messages.count]);
  const participants = useMemo(() => ['human', ...Object.keys(snapshot.live.instances).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))], [snapshot.version]);
  return (
    <section class="panel timeline">
      <header>
        <h2>Messages</h2>
        <span class="muted" data-testid="timeline-total">
          {total}
        </span>
        <FilterSelect testId="filter-type" value={filter.type} all="all types" choices={types} onChange={(type) => setFilter({ ...filter, type })} />
        <FilterSelect testId="filter-instance" value={filter.instance} all="everyone" choices={participants} onChange={(instance) => setFilter({ ...filter, instance })} />
      </header>
      <div class="timeline-scroll" ref={box} onScroll={(event) => setScrollTop((event.target as HTMLDivElement).scrollTop)}>
        <div class="timeline-space" style={{ height: `${total * ROW_HEIGHT}px` }}>
          {rowsBetween(first, last).map(({ index, message }) => (
            <TimelineRow key={message === null ? `p${index}` : message.id} index={index} message={message} onOpen={onOpen} />
          ))}
        </div>
      </div>
    </section>
  );
}
