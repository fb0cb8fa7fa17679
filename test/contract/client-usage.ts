import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/openapi.js';

/**
 * What a signup backend writes against the client `openapi-typescript` generates from /openapi.json,
 * with `openapi-fetch`: no hand-written types. The contract test generates `./generated/openapi.d.ts`
 * (git-ignored), type-checks this file against it, then runs it against a real API, worker and
 * localcloud. Every field read below must be typed in the document for this file to compile.
 */
export type FleetClient = Client<paths>;
type Instance = components['schemas']['Instance'];
type InstanceStatus = Instance['status'];
export type ErrorCode = components['schemas']['Error']['error']['code'];
/** The data of `/v1/instances/{id}/events`' events: an EventSource's `event.data`, parsed, is one of these. */
export type InstanceStreamEvent =
  | components['schemas']['Instance']
  | components['schemas']['InstanceStatusEvent']
  | components['schemas']['InstanceStepEvent'];

// @ts-expect-error: the error code is an enum a client can switch on, not a free string.
export const notACode: ErrorCode = 'no_such_code';

export function makeFleetClient(baseUrl: string, token: string): FleetClient {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

/** A failed call as one message with its code, which is all a caller needs to decide what to do. */
class FleetError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
const fail = (error: components['schemas']['Error']) => new FleetError(error.error.code, error.error.message);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function createInstance(client: FleetClient, userId: string, email: string) {
  const { data, error, response } = await client.POST('/v1/instances', { body: { userId, email } });
  if (error) throw fail(error);
  // 202: created, and the only time the gateway token is shown; 200: the user's existing instance.
  if (response.status !== 202 || !('gatewayToken' in data))
    throw new Error(`${userId} already has ${data.id}`);
  return { id: data.id, gatewayToken: data.gatewayToken, url: data.url, status: data.status };
}

export async function getInstance(client: FleetClient, id: string): Promise<Instance> {
  const { data, error } = await client.GET('/v1/instances/{id}', { params: { path: { id } } });
  if (error) throw fail(error);
  return data;
}

export async function waitForStatus(
  client: FleetClient,
  id: string,
  wanted: readonly InstanceStatus[],
  timeoutMs = 30_000,
): Promise<Instance> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const instance = await getInstance(client, id);
    if (wanted.includes(instance.status)) return instance;
    if (Date.now() > deadline) throw new Error(`${id} is ${instance.status}, not ${wanted.join(' or ')}`);
    await sleep(50);
  }
}

/** Every instance in a status, following the cursor. */
export async function listInstances(client: FleetClient, status: InstanceStatus): Promise<Instance[]> {
  const items: Instance[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await client.GET('/v1/instances', {
      params: { query: { status, limit: 2, ...(cursor ? { cursor } : {}) } },
    });
    if (error) throw fail(error);
    items.push(...data.items);
    cursor = data.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export async function retryInstance(client: FleetClient, id: string): Promise<InstanceStatus> {
  const { data, error } = await client.POST('/v1/instances/{id}/retry', { params: { path: { id } } });
  if (error) throw fail(error);
  return data.status;
}

export async function deleteInstance(client: FleetClient, id: string): Promise<InstanceStatus> {
  const { data, error } = await client.DELETE('/v1/instances/{id}', { params: { path: { id } } });
  if (error?.error.code === 'already_deleted') return 'deleted';
  if (error) throw fail(error);
  return data.status;
}

export async function readCapacity(client: FleetClient) {
  const { data, error } = await client.GET('/v1/capacity');
  if (error) throw fail(error);
  return {
    slotsLeft: data.routing.left,
    reservationPercent: data.sample?.reservation.value ?? null,
    instances: data.sample?.fleet.asg.instances.map((i) => `${i.instanceType} (${i.purchaseOption})`) ?? [],
    reconcileRuns: data.reconcile.totals.runs,
  };
}

/** The cost report; before the worker's first capacity sample it answers 503 `no_sample`: wait and ask again. */
export async function readCost(client: FleetClient, timeoutMs = 20_000, pollMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data, error, response } = await client.GET('/v1/cost');
    if (data) {
      return {
        currency: data.report.currency,
        perMonth: data.report.total.perMonth,
        perUserPerMonth: data.report.perUser?.perMonth ?? null,
        components: data.report.components.map((c) => c.id),
        headroomTargets: data.headroom.rows.map((r) => r.targetCapacity),
      };
    }
    if (error.error.code !== 'no_sample' || Date.now() > deadline) throw fail(error);
    // Retry-After says when a sample is due; a test's sampler runs faster, so poll no slower than pollMs.
    await sleep(Math.min(pollMs, Number(response.headers.get('Retry-After') ?? 1) * 1000));
  }
}

export async function projectCost(client: FleetClient, users: number) {
  const { data, error } = await client.GET('/v1/cost/projection', { params: { query: { users } } });
  if (error) throw fail(error);
  return {
    users: data.users,
    instances: data.instances,
    perMonth: data.report.total.perMonth,
    binding: { quota: data.binding.id, maxUsers: data.binding.maxUsers },
  };
}

/** The price of each design choice at N users, the deployment's current setting marked. */
export async function costOptions(client: FleetClient, users: number) {
  const { data, error } = await client.GET('/v1/cost/options', { params: { query: { users } } });
  if (error) throw fail(error);
  return data.options.map((o) => ({
    choice: o.choice,
    option: o.option,
    current: o.current,
    delta: o.deltaPerMonth,
  }));
}
