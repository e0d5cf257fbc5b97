import { useEffect, useState } from 'preact/hooks';
import type { ClientSnapshot, ClientState } from './client-state.js';

/** Re-renders the component (at most once per frame) whenever the client state changes. */
export function useClient(client: ClientState): ClientSnapshot {
  const [, setVersion] = useState(0);
  useEffect(() => client.subscribe(() => setVersion(client.current.version)), [client]);
  return client.current;
}
