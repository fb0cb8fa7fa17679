import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A fresh Standard Webhooks secret, as an operator makes one. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

export interface ReceivedEvent {
  id: string;
  type: string;
  sequence: number;
  data: Record<string, string | null>;
  /** The raw body and headers, to scan for secrets. */
  raw: string;
  headers: Record<string, string>;
}

/**
 * A signup backend's webhook endpoint on a real port: verifies every request with the `standardwebhooks`
 * package (an implementation we did not write) and keeps what it accepted, in arrival order. `mode`
 * makes it answer 503 (up but failing); `refuse()` closes the port (connections refused) and `accept()`
 * opens it again on the same port.
 */
export async function startReceiver(secret: string) {
  const verifier = new Webhook(secret);
  const accepted: ReceivedEvent[] = [];
  const rejected: string[] = [];
  let mode: 'ok' | 'unavailable' = 'ok';
  let requests = 0;
  let server: Server = makeServer();
  let port = 0;

  function makeServer(): Server {
    return createServer(async (req, res) => {
      requests++;
      const raw = await readBody(req);
      if (mode === 'unavailable') {
        res.writeHead(503).end();
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
      );
      try {
        const body = verifier.verify(raw, headers) as Omit<ReceivedEvent, 'raw' | 'headers'>;
        if (body.id !== headers['webhook-id']) throw new Error('body id differs from webhook-id');
        accepted.push({ ...body, raw, headers });
        res.writeHead(204).end();
      } catch (error) {
        rejected.push(error instanceof Error ? error.message : String(error));
        res.writeHead(400).end();
      }
    });
  }

  async function listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  }
  await listen();

  return {
    url: (path = '/hooks') => `http://127.0.0.1:${port}${path}`,
    accepted,
    rejected,
    requests: () => requests,
    /** Up, but every request gets 503. */
    unavailable() {
      mode = 'unavailable';
    },
    /** Closes the port: deliveries see ECONNREFUSED. */
    async refuse() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    /** Back: the same port open again, answering 204 to what verifies. */
    async accept() {
      mode = 'ok';
      if (!server.listening) {
        server = makeServer();
        await listen();
      }
    },
    async close() {
      if (server.listening) await this.refuse();
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Bounded wait for a condition, failing with what did not happen. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
