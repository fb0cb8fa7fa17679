import { CliError } from './cli-error.js';
import type { Settings } from './settings.js';

/** The API's error body (api/error-handler.ts): `{ error: { code, message, details? } }`. */
interface ProblemBody {
  error?: { code?: string; message?: string };
}

function describe(status: number, body: unknown): string {
  const problem = (body as ProblemBody | null)?.error;
  const text = problem?.message ? `${problem.message}${problem.code ? ` (${problem.code})` : ''}` : '';
  if (status === 401)
    return `the API rejected the token: check API_TOKEN or --token${text ? `; ${text}` : ''}`;
  return `API answered ${status}${text ? `: ${text}` : ''}`;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** HTTP to the fleet API, nothing else: the CLI never reaches Redis or AWS. */
export function makeApiClient(settings: Settings) {
  const headers = { authorization: `Bearer ${settings.token}`, accept: 'application/json' };

  async function send(method: string, path: string, body?: unknown, accept?: string): Promise<Response> {
    try {
      return await fetch(`${settings.apiUrl}${path}`, {
        method,
        headers: {
          ...headers,
          ...(accept ? { accept } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      // undici hides the socket error in `cause` (an AggregateError when several addresses were tried).
      const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
      const reason = cause?.code ?? cause?.errors?.[0]?.code ?? (error as Error).message;
      throw new CliError(
        `cannot reach the API at ${settings.apiUrl} (${reason}): check OPENCLAW_API_URL or --api-url`,
      );
    }
  }

  return {
    /** A JSON call; a status outside `ok` (default 2xx) is a CliError naming the API's reason. */
    async request<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
      const res = await send(method, path, body);
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = { error: { message: text.slice(0, 200) } };
      }
      if (!res.ok) throw new CliError(describe(res.status, parsed));
      return { status: res.status, body: parsed as T };
    },
    /** An event stream (text/event-stream); errors as for request. */
    async stream(path: string): Promise<Response> {
      const res = await send('GET', path, undefined, 'text/event-stream');
      if (!res.ok || !res.body) {
        const parsed = await res.json().catch(() => null);
        throw new CliError(describe(res.status, parsed));
      }
      return res;
    },
  };
}
export type ApiClient = ReturnType<typeof makeApiClient>;
