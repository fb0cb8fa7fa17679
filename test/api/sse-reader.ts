export interface SseFrame {
  event: string | null;
  data: unknown;
  comment: boolean;
}

/** Reads server-sent events from a fetch Response, one frame at a time, with a timeout per frame. */
export function sseReader(res: Response) {
  if (!res.body) throw new Error('no body');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;

  async function next(timeoutMs = 5000): Promise<SseFrame | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const split = buffer.indexOf('\n\n');
      if (split >= 0) {
        const raw = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const lines = raw.split('\n');
        if (lines.every((l) => l.startsWith(':'))) return { event: null, data: raw, comment: true };
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? null;
        const data = lines
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        return { event, data: data ? JSON.parse(data) : null, comment: false };
      }
      if (ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for an event');
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out waiting for an event')), left);
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) ended = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  }

  /** The next frame that is not a heartbeat comment. */
  async function nextEvent(timeoutMs = 5000): Promise<SseFrame | null> {
    for (;;) {
      const frame = await next(timeoutMs);
      if (!frame?.comment) return frame;
    }
  }

  return { next, nextEvent, cancel: () => reader.cancel() };
}
