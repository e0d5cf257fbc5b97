import type { NewMessage } from '../protocol/index.js';
import type { CollectiveStore } from '../store/index.js';
import { currentTraceparent } from '../telemetry/spans.js';
import { activeTracing } from '../telemetry/tracing.js';

/** The metadata key a message's sending span travels under (the W3C header's name). */
export const TRACEPARENT_METADATA = 'traceparent';

function withTraceparent(message: NewMessage): NewMessage {
  const traceparent = currentTraceparent();
  if (traceparent === undefined || message.metadata?.[TRACEPARENT_METADATA] !== undefined) return message;
  return { ...message, metadata: { ...(message.metadata ?? {}), [TRACEPARENT_METADATA]: traceparent } };
}

/**
 * The store with every message published inside a span carrying that span's `traceparent` in its metadata,
 * so the receiver's turn can link to it: backends then draw who talked to whom. Returns `store` itself when
 * tracing is off.
 */
export function traceStore(store: CollectiveStore): CollectiveStore {
  if (activeTracing() === undefined) return store;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'publish') return (message: NewMessage) => target.publish(withTraceparent(message));
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
