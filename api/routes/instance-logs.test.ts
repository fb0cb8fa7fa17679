import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CreatedBody,
  type ErrorBody,
  json,
  makeTestApp,
  read,
  type TestApp,
} from '../../test/api/test-app.js';

/** What the route decides before it reads AWS (reading it is tested in test/pipeline/instance-logs.test.ts). */
describe('GET /v1/instances/:id/logs without AWS', () => {
  let t: TestApp;
  let id: string;
  beforeEach(async () => {
    t = await makeTestApp();
    const created = await t.app.request('/v1/instances', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ userId: 'ada', email: 'ada@example.com' }),
    });
    id = (await read<CreatedBody>(created)).id;
  });
  afterEach(() => t.close());

  const code = async (path: string) => {
    const res = await t.app.request(path, { headers: json });
    return [res.status, (await read<ErrorBody>(res)).error.code] as const;
  };

  it('answers 400 for bad queries, before anything is read', async () => {
    expect(await code(`/v1/instances/${id}/logs?limit=0`)).toEqual([400, 'invalid_query']);
    expect(await code(`/v1/instances/${id}/logs?limit=1001`)).toEqual([400, 'invalid_query']);
    expect(await code(`/v1/instances/${id}/logs?follow=yes`)).toEqual([400, 'invalid_query']);
    expect(await code(`/v1/instances/${id}/logs?since=yesterday`)).toEqual([400, 'invalid_query']);
    expect(
      await code(`/v1/instances/${id}/logs?since=2026-11-29T10:00:00Z&until=2026-11-29T09:00:00Z`),
    ).toEqual([400, 'invalid_query']);
    expect(await code(`/v1/instances/${id}/logs?cursor=bm90LW91cnM`)).toEqual([400, 'invalid_cursor']);
    expect(await code(`/v1/instances/${id}/logs?follow=true&cursor=abc`)).toEqual([400, 'invalid_query']);
  });

  it('answers 404 for an unknown id, and 503 when the API has no log group to read', async () => {
    expect(await code('/v1/instances/aaaaaaaaaaaa/logs')).toEqual([404, 'not_found']);
    expect(await code(`/v1/instances/${id}/logs`)).toEqual([503, 'logs_not_configured']);
  });
});
