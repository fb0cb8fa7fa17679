import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeleteTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAwsClients } from '../aws-clients.js';
import { classifyAwsError } from './classify-aws-error.js';

/**
 * What another implementation, or a proxy in front of AWS, may answer a JSON-protocol call: an HTML page
 * or an XML error. A real HTTP server answers, the worker's own SDK clients ask.
 */
const HTML_500 =
  '<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>The upstream went away.</p></body></html>';
const XML_400 = `<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>The action DeleteTaskDefinitions is not valid for this web service.</Message></Error><RequestId>${'r'.repeat(300)}</RequestId></ErrorResponse>`;

describe('answers the SDK cannot parse, from a real server', () => {
  let server: Server;
  let next: { status: number; type: string; body: string } = { status: 200, type: '', body: '' };
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(next.status, { 'content-type': next.type });
      res.end(next.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function errorOf(answer: typeof next): Promise<unknown> {
    next = answer;
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    const aws = makeAwsClients({ AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL: url });
    try {
      await aws.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['openclaw-x:1'] }));
    } catch (error) {
      return error;
    } finally {
      aws.destroy();
    }
    throw new Error('expected the call to fail');
  }

  it('an HTML 500 is retryable, and says what came back', async () => {
    const error = await errorOf({ status: 500, type: 'text/html', body: HTML_500 });
    // What the SDK throws: the JSON parser's own error, the status in $metadata.
    expect(error).toMatchObject({ name: 'SyntaxError', $metadata: { httpStatusCode: 500 } });
    const verdict = classifyAwsError(error, 'delete', 'DeleteTaskDefinitions');
    expect(verdict).toMatchObject({ action: 'retry', code: 'UnparseableAnswer' });
    expect(verdict.message).toContain('HTTP 500');
    expect(verdict.message).toContain('<title>500 Internal Server Error</title>');
  });

  it('an XML 400 fails with the status, the operation and the first 200 characters of the body', async () => {
    const error = await errorOf({ status: 400, type: 'text/xml', body: XML_400 });
    expect(error).toMatchObject({ name: 'SyntaxError', $metadata: { httpStatusCode: 400 } });
    const verdict = classifyAwsError(error, 'delete', 'DeleteTaskDefinitions');
    expect(verdict.action).toBe('fatal');
    expect(verdict.message).toBe(
      `DeleteTaskDefinitions answered HTTP 400 with a body that does not parse: ${XML_400.slice(0, 200)}`,
    );
    expect(verdict.message).not.toMatch(/^SyntaxError|Unexpected token/);
  });
});
