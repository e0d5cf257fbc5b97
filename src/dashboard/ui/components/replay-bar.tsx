import { useRef } from 'preact/hooks';
import type { ClientState } from '../client-state.js';
import { shortTime } from '../format.js';
import { useClient } from '../use-client.js';

const SPEEDS = [1, 4, 16, 64, 256];

/** The time slider over the whole history: drag to a moment, play forward at a speed, or go back to live. */
export function ReplayBar({ client }: { client: ClientState }) {
  const snapshot = useClient(client);
  const timer = useRef<number | undefined>(undefined);
  const liveSeq = snapshot.live.seq;
  const replay = snapshot.replay;
  const value = replay?.seq ?? liveSeq;
  const onInput = (event: Event): void => {
    const seq = Number((event.target as HTMLInputElement).value);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void client.replayTo(seq), 60);
  };
  return (
    <footer class="replay-bar" data-mode={replay === null ? 'live' : 'replay'} data-testid="replay-bar">
      <button type="button" data-testid="replay-play" onClick={() => (replay?.playing === true ? client.pause() : void client.play())}>
        {replay?.playing === true ? 'pause' : 'play'}
      </button>
      <select data-testid="replay-speed" value={String(replay?.speed ?? 8)} onChange={(event) => client.setSpeed(Number((event.target as HTMLSelectElement).value))} title="history seconds per second">
        {[...new Set([...SPEEDS, replay?.speed ?? 8])]
          .sort((a, b) => a - b)
          .map((speed) => (
            <option key={speed} value={String(speed)}>
              {speed}×
            </option>
          ))}
      </select>
      <input type="range" min={0} max={liveSeq} value={value} data-testid="replay-slider" onInput={onInput} aria-label="replay position" />
      <span class="replay-where" data-testid="replay-where">
        {replay === null ? 'live' : `replay`} · event {value} of {liveSeq} · {shortTime(snapshot.shown.at)}
      </span>
      <button type="button" data-testid="replay-live" disabled={replay === null} onClick={() => client.goLive()}>
        live
      </button>
    </footer>
  );
}
