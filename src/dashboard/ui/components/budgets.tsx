import type { ClientState } from '../client-state.js';
import { cachedPercent, compactNumber, usageOf, usd } from '../format.js';
import { useClient } from '../use-client.js';

function Meter({ label, used, limit, format }: { label: string; used: number; limit: number | undefined; format: (value: number) => string }) {
  // 0 lifts a limit: shown as usage alone.
  const bound = limit === undefined || limit <= 0 ? undefined : limit;
  const share = bound === undefined ? null : Math.min(1, used / bound);
  return (
    <div class={`meter ${share !== null && share >= 0.9 ? 'meter-high' : ''}`} data-meter={label}>
      <span class="meter-label">{label}</span>
      <span class="bar">{share !== null && <i style={{ width: `${(share * 100).toFixed(1)}%` }} />}</span>
      <span class="meter-value">
        {format(used)}
        {bound === undefined ? '' : ` / ${format(bound)}`}
      </span>
    </div>
  );
}

/** Usage against the governor's budgets, per instance and for the whole collective. */
export function Budgets({ client }: { client: ClientState }) {
  const snapshot = useClient(client);
  const view = snapshot.shown;
  const budgets = snapshot.run?.budgets ?? null;
  const instances = Object.values(view.instances).sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  const total = { turns: 0, calls: 0, tokens: 0, input: 0, cached: 0, cost: 0 };
  const rows = instances.map((record) => {
    const usage = usageOf(record.metadata);
    const turns = usage?.turns ?? record.iteration;
    const tokens = usage === null ? 0 : usage.inputTokens + usage.outputTokens;
    const cost = usage?.costUsd ?? 0;
    const calls = usage?.modelCalls ?? 0;
    const cached = { inputTokens: usage?.inputTokens ?? 0, cacheReadTokens: usage?.cacheReadTokens ?? 0 };
    total.turns += turns;
    total.calls += calls;
    total.tokens += tokens;
    total.input += cached.inputTokens;
    total.cached += cached.cacheReadTokens;
    total.cost += cost;
    return { id: record.id, turns, calls, tokens, cached, cost, paused: record.lastActivity.startsWith('paused: ') };
  });
  const whole = (value: number): string => compactNumber(Math.round(value));
  return (
    <div class="budgets" data-testid="budgets">
      {budgets === null && <p class="muted">This run set no budgets; usage is shown without limits.</p>}
      <div class="budget-group">
        <h3>collective</h3>
        <Meter label="turns" used={total.turns} limit={budgets?.collective.turns} format={whole} />
        <Meter label="model calls" used={total.calls} limit={budgets?.collective.modelCalls} format={whole} />
        <Meter label="tokens" used={total.tokens} limit={budgets?.collective.tokens} format={whole} />
        <Meter label="cost" used={total.cost} limit={budgets?.collective.costUsd} format={usd} />
        <p class="muted" data-cached="collective">{cachedPercent({ inputTokens: total.input, cacheReadTokens: total.cached })} of input tokens read from the cache</p>
      </div>
      {rows.map((row) => (
        <div key={row.id} class="budget-group" data-budget-instance={row.id}>
          <h3>
            {row.id} {row.paused && <span class="paused">paused — waiting for you</span>}
          </h3>
          <Meter label="turns" used={row.turns} limit={budgets?.perInstance.turns} format={whole} />
          <Meter label="model calls" used={row.calls} limit={budgets?.perInstance.modelCalls} format={whole} />
          <Meter label="tokens" used={row.tokens} limit={budgets?.perInstance.tokens} format={whole} />
          <Meter label="cost" used={row.cost} limit={budgets?.perInstance.costUsd} format={usd} />
          <p class="muted" data-cached={row.id}>{cachedPercent(row.cached)} of input tokens read from the cache</p>
        </div>
      ))}
    </div>
  );
}
