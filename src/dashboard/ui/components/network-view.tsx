import { useEffect, useRef, useState } from 'preact/hooks';
import type { ClientState } from '../client-state.js';
import { type Layout, NetworkRenderer } from '../network-renderer.js';
import { useClient } from '../use-client.js';
import { MESSAGE_COLORS } from '../colors.js';

export function NetworkView({ client, selected, onSelect }: { client: ClientState; selected: string | null; onSelect: (id: string) => void }) {
  const snapshot = useClient(client);
  const canvas = useRef<HTMLCanvasElement>(null);
  const renderer = useRef<NetworkRenderer | null>(null);
  const [layout, setLayout] = useState<Layout>('force');

  useEffect(() => {
    if (canvas.current === null) return undefined;
    const instance = new NetworkRenderer(canvas.current, onSelect);
    renderer.current = instance;
    const off = client.onMessages((messages) => instance.addMessages(messages.map((entry) => entry.message)));
    return () => {
      off();
      instance.destroy();
      renderer.current = null;
    };
  }, [client]);

  useEffect(() => renderer.current?.setView(snapshot.shown), [snapshot.version]);
  useEffect(() => renderer.current?.setSelected(selected), [selected]);
  useEffect(() => renderer.current?.setLayout(layout), [layout]);
  useEffect(() => renderer.current?.clearParticles(), [snapshot.replay === null]);

  return (
    <section class="panel network">
      <header>
        <h2>Network</h2>
        <div class="legend">
          {Object.entries(MESSAGE_COLORS)
            .slice(0, 8)
            .map(([type, color]) => (
              <span key={type} class="legend-item">
                <i style={{ background: color }} />
                {type}
              </span>
            ))}
        </div>
        <button class="small" type="button" onClick={() => setLayout(layout === 'force' ? 'ring' : 'force')} title="switch layout">
          {layout === 'force' ? 'ring' : 'force'}
        </button>
      </header>
      <canvas ref={canvas} data-testid="network-canvas" />
    </section>
  );
}
