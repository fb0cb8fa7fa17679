import { createHash } from 'node:crypto';

export interface WebhookEndpoint {
  /** A digest of the URL: what job data, Redis and the deliveries view name an endpoint by. */
  key: string;
  url: string;
  /** Scheme, host and port only: a URL's path or query may carry a receiver's own token. */
  origin: string;
}

export const endpointKey = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 12);

/** The configured endpoints, each once (a URL listed twice is one endpoint, sent each event once). */
export function webhookEndpoints(urls: readonly string[] | undefined): WebhookEndpoint[] {
  const unique = [...new Set(urls ?? [])];
  return unique.map((url) => ({ key: endpointKey(url), url, origin: new URL(url).origin }));
}
