import { signedHeaders } from './sign.js';

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * POSTs one signed event. 2xx is delivered; any other status, a timeout or a refused connection is a
 * failure to retry. Redirects are not followed (the spec: a receiver answers where it was configured).
 * The response body is not read beyond what closes the connection, and nothing of it is kept.
 */
export async function sendWebhook(options: {
  url: string;
  key: Buffer;
  id: string;
  body: string;
  timeoutMs: number;
  now: () => number;
}): Promise<SendResult> {
  const started = options.now();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'openclaw-fleet-webhooks/1',
    ...signedHeaders(options.key, options.id, options.body, started),
  };
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      headers,
      body: options.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body?.cancel().catch(() => {});
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      statusCode: response.status,
      error: ok ? null : `HTTP ${response.status}`,
      durationMs: options.now() - started,
    };
  } catch (error) {
    return { ok: false, statusCode: null, error: describe(error), durationMs: options.now() - started };
  }
}

/** A network error's code (ECONNREFUSED, a timeout), not its message: messages may quote the URL. */
function describe(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'timeout';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'network error';
}
