interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

type Handler = (args: unknown) => Promise<{ response: unknown }>;

/** The one method of an SDK client's middleware stack this uses, whatever the client's own types. */
type AddMiddleware = (
  middleware: (next: Handler) => Handler,
  options: { step: 'deserialize'; priority: 'low'; name: string },
) => void;

/** Bodies this size or smaller are kept; larger ones are never an error AWS wrote. */
const MAX_KEPT = 64 * 1024;

/**
 * Keeps the text of answers the SDK may fail to parse, so the classifier can say what came back. The
 * SDK (client-ecs 3.1164, measured against a local server) throws a bare `SyntaxError` for an HTML or
 * XML answer on a JSON protocol, with the body stream already consumed and no `$responseBodyText`.
 * This middleware sits just inside the deserializer: an error status, or a body that is neither JSON
 * nor XML, is read into bytes first; the deserializer parses those the same, and the error's hidden
 * `$response.body` then holds them. Successful JSON and XML answers pass untouched.
 */
export function keepErrorBodies(client: { middlewareStack: object }): void {
  const stack = client.middlewareStack as { add: AddMiddleware };
  stack.add(
    (next) => async (args) => {
      const out = await next(args);
      const response = out.response as RawResponse;
      const type = response.headers?.['content-type'] ?? response.headers?.['Content-Type'] ?? '';
      const error = (response.statusCode ?? 200) >= 300;
      if ((error || !/json|xml/i.test(type)) && isStream(response.body)) {
        response.body = await readAll(response.body);
      }
      return out;
    },
    { step: 'deserialize', priority: 'low', name: 'keepErrorBodies' },
  );
}

function isStream(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < MAX_KEPT) chunks.push(Buffer.from(chunk));
    size += chunk.length;
  }
  return new Uint8Array(Buffer.concat(chunks));
}
