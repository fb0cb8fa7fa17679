import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers the load balancer writes itself, shaped like ALB's: `Server: awselb/2.0` and a small
 * HTML page for its own errors; fixed-response actions carry their configured type and body.
 */
const REASONS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

export type AlbErrorStatus = 500 | 502 | 503 | 504;

export interface AlbAnswer {
  status: number;
  contentType: string;
  body: string;
}

export function errorPage(status: AlbErrorStatus): AlbAnswer {
  const title = `${status} ${REASONS[status]}`;
  return {
    status,
    contentType: 'text/html',
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
  };
}

export function sendAnswer(res: ServerResponse, answer: AlbAnswer): void {
  res.writeHead(answer.status, {
    server: 'awselb/2.0',
    'content-type': answer.contentType,
    'content-length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
}

/** The same answer on a raw socket (an upgrade request the load balancer refuses), then close. */
export function writeAnswer(socket: Duplex, answer: AlbAnswer): void {
  const reason = REASONS[answer.status] ?? '';
  socket.end(
    `HTTP/1.1 ${answer.status} ${reason}\r\nServer: awselb/2.0\r\nContent-Type: ${answer.contentType}\r\n` +
      `Content-Length: ${Buffer.byteLength(answer.body)}\r\nConnection: close\r\n\r\n${answer.body}`,
  );
}
