import type { Redis } from 'ioredis';

type Listener = (message: string) => void;

interface Channel {
  listeners: Set<Listener>;
  ready: Promise<unknown>;
}

/**
 * Fans one subscriber connection out to every event stream in this process: a channel is subscribed
 * when its first listener arrives and unsubscribed when its last one leaves, so a thousand open
 * progress pages cost one Redis connection. Redis handles SUBSCRIBE/UNSUBSCRIBE on one connection in
 * order, so a listener arriving while its channel is being dropped simply subscribes it again.
 */
export function makeEventHub(subscriber: Redis) {
  const channels = new Map<string, Channel>();

  const onMessage = (channel: string, message: string) => {
    const entry = channels.get(channel);
    if (!entry) return;
    for (const listener of entry.listeners) listener(message);
  };
  subscriber.on('message', onMessage);

  return {
    /** Resolves once Redis confirms the subscription; the returned function removes the listener. */
    async subscribe(channel: string, listener: Listener): Promise<() => Promise<void>> {
      let entry = channels.get(channel);
      if (!entry) {
        entry = { listeners: new Set(), ready: subscriber.subscribe(channel) };
        channels.set(channel, entry);
      }
      entry.listeners.add(listener);
      const own = entry;
      try {
        await own.ready;
      } catch (error) {
        own.listeners.delete(listener);
        if (own.listeners.size === 0 && channels.get(channel) === own) channels.delete(channel);
        throw error;
      }
      let removed = false;
      return async () => {
        if (removed) return;
        removed = true;
        own.listeners.delete(listener);
        if (own.listeners.size > 0 || channels.get(channel) !== own) return;
        channels.delete(channel);
        await subscriber.unsubscribe(channel).catch(() => {});
      };
    },

    /** Channels with at least one listener (for tests and metrics). */
    activeChannels: () => [...channels.keys()],

    close() {
      subscriber.off('message', onMessage);
      channels.clear();
    },
  };
}
export type EventHub = ReturnType<typeof makeEventHub>;
