import { useEffect, useRef, useState } from 'preact/hooks';
import type { InstanceRecord, Task } from '../../../protocol/index.js';
import { own } from '../../view-model/collective-view.js';
import type { ClientState } from '../client-state.js';
import { api } from '../api.js';
import { personalityColor, stateColor } from '../colors.js';
import { cachedPercent, compactNumber, shortTime, usageOf, usd } from '../format.js';
import { useClient } from '../use-client.js';
import { NotebookView } from './notebook-view.js';

const TRAITS = ['thoroughness', 'caution', 'simplicity', 'novelty'];

interface LogLine {
  key: number;
  time: string;
  level: string;
  text: string;
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
let lineKey = 0;

function parseLogLine(line: string): LogLine {
  lineKey += 1;
  try {
    const record = JSON.parse(line) as Record<string, unknown>;
    const { time, level, msg, pid: _pid, hostname: _hostname, ...rest } = record;
    const extra = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
    return {
      key: lineKey,
      time: typeof time === 'number' || typeof time === 'string' ? new Date(time).toLocaleTimeString([], { hour12: false }) : '',
      level: typeof level === 'number' ? (LEVELS[level] ?? String(level)) : typeof level === 'string' ? level : '',
      text: `${typeof msg === 'string' ? msg : ''}${extra}`,
    };
  } catch {
    return { key: lineKey, time: '', level: '', text: line };
  }
}

function LogStream({ id }: { id: string }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let closed = false;
    let source: EventSource | undefined;
    void api
      .logs(id)
      .then((response) => {
        if (closed) return;
        setLines(response.lines.map(parseLogLine));
        source = new EventSource(`/api/logs/${encodeURIComponent(id)}/stream`);
        source.addEventListener('lines', (event) => {
          const added = (JSON.parse((event as MessageEvent<string>).data) as string[]).map(parseLogLine);
          setLines((previous) => [...previous, ...added].slice(-500));
        });
      })
      .catch(() => setLines([parseLogLine('(no log yet)')]));
    return () => {
      closed = true;
      source?.close();
    };
  }, [id]);
  useEffect(() => {
    const element = box.current;
    if (element !== null) element.scrollTop = element.scrollHeight;
  }, [lines]);
  return (
    <div class="log-stream" ref={box} data-testid="log-stream">
      {lines.map((line) => (
        <div key={line.key} class={`log-line level-${line.level}`}>
          <span class="log-time">{line.time}</span> <span class="log-level">{line.level}</span> {line.text}
        </div>
      ))}
    </div>
  );
}

function InstanceDetail({ record, task, live }: { record: InstanceRecord; task: Task | undefined; live: boolean }) {
  const personality = record.metadata.personality as Record<string, unknown> | undefined;
  const usage = usageOf(record.metadata);
  return (
    <div class="instance-detail" onClick={(event) => event.stopPropagation()}>
      <dl>
        <dt>task</dt>
        <dd>{task === undefined ? (record.currentTask ?? 'none') : `${task.title} (${task.state})`}</dd>
        <dt>activity</dt>
        <dd>{record.lastActivity || '—'}</dd>
        <dt>process</dt>
        <dd>
          pid {record.pid ?? '—'} on {record.host} · started {shortTime(record.startedAt)} · heartbeat {shortTime(record.heartbeatAt)}
        </dd>
        <dt>brain</dt>
        <dd>{typeof record.metadata.brain === 'string' ? record.metadata.brain : '—'}</dd>
        {typeof record.metadata.persona === 'string' && (
          <>
            <dt>persona</dt>
            <dd data-testid="instance-persona">{record.metadata.persona}</dd>
          </>
        )}
        {usage !== null && (
          <>
            <dt>usage</dt>
            <dd>
              {usage.turns} turns · {usage.modelCalls} model calls · {compactNumber(usage.inputTokens + usage.outputTokens)} tokens ({cachedPercent(usage)} of input cached) · {usd(usage.costUsd)}
            </dd>
          </>
        )}
      </dl>
      {personality !== undefined && (
        <div class="traits">
          {TRAITS.map((trait) => {
            const value = typeof personality[trait] === 'number' ? (personality[trait]) : 0;
            return (
              <div key={trait} class="trait">
                <span>{trait}</span>
                <span class="bar">
                  <i style={{ width: `${Math.round(value * 100)}%`, background: personalityColor(personality) }} />
                </span>
                <span>{value.toFixed(2)}</span>
              </div>
            );
          })}
        </div>
      )}
      <NotebookView id={record.id} iteration={record.iteration} />
      {live ? <LogStream id={record.id} /> : <p class="muted">logs stream live only (replaying)</p>}
    </div>
  );
}

export function InstanceList({ client, selected, onSelect }: { client: ClientState; selected: string | null; onSelect: (id: string | null) => void }) {
  const snapshot = useClient(client);
  const view = snapshot.shown;
  const instances = Object.values(view.instances).sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  return (
    <section class="panel instances">
      <header>
        <h2>Instances</h2>
        <span class="muted">{instances.length}</span>
      </header>
      <ul class="instance-list" data-testid="instance-list">
        {instances.map((record) => {
          const usage = usageOf(record.metadata);
          const task = record.currentTask === null ? undefined : own(view.tasks, record.currentTask);
          const open = selected === record.id;
          return (
            <li key={record.id} class={`instance ${open ? 'open' : ''}`} data-instance-id={record.id} data-state={record.status} onClick={() => onSelect(open ? null : record.id)}>
              <div class="instance-row">
                <span class={`state-dot state-${record.status}`} style={{ background: stateColor(record.status) }} />
                <span class="instance-id" style={{ color: personalityColor(record.metadata.personality) }}>
                  {record.id}
                </span>
                <span class="role">{record.role}</span>
                <span class="state-label">{record.status}</span>
                <span class="iteration" title="iteration">
                  #{record.iteration}
                </span>
                <span class="task-title">{task?.title ?? record.lastActivity}</span>
                <span class="usage">{usage === null ? '' : `${compactNumber(usage.inputTokens + usage.outputTokens)} tok · ${cachedPercent(usage)} cached · ${usd(usage.costUsd)}`}</span>
              </div>
              {open && <InstanceDetail record={record} task={task} live={snapshot.replay === null} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
