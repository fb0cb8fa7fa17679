import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { applyAnswerFaults } from './answer-faults.js';
import { AwsError } from './aws-error.js';
import type { Cloud } from './cloud.js';
import type { Consistency } from './consistency.js';
import { type Faults, type Protocol, throttleError } from './faults.js';
import { type CallLogEntry, type InspectionContext, inspect } from './inspection.js';
import { jsonError, jsonOk, parseJsonBody, parseTarget, type WireResponse } from './protocol/json.js';
import { ec2Error, ec2Ok, parseQueryBody, queryError, queryOk } from './protocol/query.js';
import { autoscaling } from './services/autoscaling.js';
import { ec2 } from './services/ec2.js';
import { ecsAccountSettings } from './services/ecs-account-settings.js';
import { ecsCluster } from './services/ecs-cluster.js';
import { ecsServices } from './services/ecs-services.js';
import { ecsTaskDefinitions } from './services/ecs-task-definitions.js';
import { elbv2LoadBalancers } from './services/elbv2-load-balancers.js';
import { elbv2Rules } from './services/elbv2-rules.js';
import { elbv2TargetGroups } from './services/elbv2-target-groups.js';
import type { HandlerMap } from './services/handler.js';
import { logsEvents } from './services/logs-events.js';
import { logsGroups } from './services/logs-groups.js';
import { secretsManager } from './services/secrets-manager.js';

/**
 * One port, every service. JSON services are told apart by X-Amz-Target, query services by the
 * form's Version. Signatures are not checked.
 */
interface ServiceDef {
  /** IAM-style prefix used in call counts and fault rules, e.g. `ecs:CreateService`. */
  prefix: string;
  protocol: Protocol;
  handlers: HandlerMap;
  xmlns?: string;
}

const JSON_SERVICES: Record<string, ServiceDef> = {
  AmazonEC2ContainerServiceV20141113: {
    prefix: 'ecs',
    protocol: 'json',
    handlers: { ...ecsTaskDefinitions, ...ecsServices, ...ecsCluster, ...ecsAccountSettings },
  },
  secretsmanager: { prefix: 'secretsmanager', protocol: 'json', handlers: secretsManager },
  Logs_20140328: { prefix: 'logs', protocol: 'json', handlers: { ...logsGroups, ...logsEvents } },
};

const QUERY_SERVICES: Record<string, ServiceDef> = {
  '2015-12-01': {
    prefix: 'elasticloadbalancing',
    protocol: 'query',
    handlers: { ...elbv2TargetGroups, ...elbv2Rules, ...elbv2LoadBalancers },
    xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  },
  '2011-01-01': {
    prefix: 'autoscaling',
    protocol: 'query',
    handlers: autoscaling,
    xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
  },
  '2016-11-15': {
    prefix: 'ec2',
    protocol: 'ec2',
    handlers: ec2,
    xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  },
};

export interface ServerContext extends InspectionContext {
  callLog: CallLogEntry[];
  /** Set when reads lag behind writes (eventual consistency); off by default. */
  consistency?: Consistency;
  cloud: Cloud;
  faults: Faults;
  calls: Map<string, number>;
}

/** The order of calls, for tests that assert one (`GET /_localcloud/calls/log`); the latest are kept. */
const CALL_LOG_SIZE = 20_000;

function recordCall(log: CallLogEntry[], operation: string, input: Record<string, unknown>): void {
  const named = input.service ?? input.serviceName ?? input.family;
  const resource = typeof named === 'string' ? named : undefined;
  log.push({ seq: (log.at(-1)?.seq ?? 0) + 1, operation, at: Date.now(), ...(resource ? { resource } : {}) });
  if (log.length > CALL_LOG_SIZE) log.splice(0, log.length - CALL_LOG_SIZE);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, w: WireResponse): void {
  res.writeHead(w.status, { ...w.headers, 'content-length': Buffer.byteLength(w.body) });
  res.end(w.body);
}

function errorResponse(def: ServiceDef, err: AwsError, requestId: string): WireResponse {
  if (def.protocol === 'json') return jsonError(err, requestId);
  if (def.protocol === 'ec2') return ec2Error(err, requestId);
  return queryError(err, requestId);
}

async function handleAws(
  ctx: ServerContext,
  def: ServiceDef,
  operation: string,
  input: Record<string, unknown>,
): Promise<WireResponse> {
  const requestId = randomUUID();
  const name = `${def.prefix}:${operation}`;
  ctx.calls.set(name, (ctx.calls.get(name) ?? 0) + 1);
  recordCall(ctx.callLog, name, input);
  const handler = Object.hasOwn(def.handlers, operation) ? def.handlers[operation] : undefined;
  if (!handler) {
    const code = def.protocol === 'json' ? 'UnknownOperationException' : 'InvalidAction';
    return errorResponse(
      def,
      new AwsError(code, `Operation ${operation} is not supported by localcloud.`),
      requestId,
    );
  }
  // AWS's buckets come before injected faults: a throttled call never reaches the service.
  if (!ctx.rateLimiter.allow(name)) return errorResponse(def, throttleError(def.protocol), requestId);
  const fault = ctx.faults.decide(name, def.protocol);
  // Through the cloud's clock, so close() cancels a pending delay instead of waiting it out.
  if (fault.latencyMs > 0) await new Promise<void>((r) => ctx.cloud.clock.after(fault.latencyMs, r));
  if (fault.hold) await fault.hold;
  if (fault.error) return errorResponse(def, fault.error, requestId);
  try {
    const result = ctx.consistency
      ? ctx.consistency.around(ctx.cloud, name, () => handler(ctx.cloud, input))
      : handler(ctx.cloud, input);
    if (def.protocol === 'json')
      return jsonOk(applyAnswerFaults(ctx.cloud, name, input, result, fault), requestId);
    if (def.protocol === 'ec2') return ec2Ok(operation, def.xmlns ?? '', result ?? {}, requestId);
    return queryOk(operation, def.xmlns ?? '', result, requestId);
  } catch (err) {
    if (err instanceof AwsError) return errorResponse(def, err, requestId);
    console.error(`localcloud: ${name} failed`, err);
    const message = err instanceof Error ? err.message : String(err);
    return errorResponse(def, new AwsError('InternalFailure', message, 500), requestId);
  }
}

async function route(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path.startsWith('/_localcloud')) {
    let parsed: unknown = {};
    try {
      parsed = body ? JSON.parse(body) : {};
    } catch {
      return send(res, {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: '{"error":"invalid JSON"}',
      });
    }
    const r = inspect(ctx, req.method ?? 'GET', path, parsed);
    return send(res, {
      status: r.status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(r.body),
    });
  }
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const t = parseTarget(target);
    const def = t ? JSON_SERVICES[t.prefix] : undefined;
    if (!t || !def) {
      return send(
        res,
        jsonError(new AwsError('UnknownOperationException', `Unknown target ${target}`), randomUUID()),
      );
    }
    let input: Record<string, unknown>;
    try {
      input = parseJsonBody(body);
    } catch {
      return send(
        res,
        jsonError(new AwsError('SerializationException', 'Malformed JSON body'), randomUUID()),
      );
    }
    return send(res, await handleAws(ctx, def, t.operation, input));
  }
  const form = parseQueryBody(body);
  const version = typeof form.Version === 'string' ? form.Version : '';
  const action = typeof form.Action === 'string' ? form.Action : '';
  const def = QUERY_SERVICES[version];
  if (!def || !action) {
    return send(
      res,
      queryError(new AwsError('InvalidAction', `Unknown Action/Version ${action}/${version}`), randomUUID()),
    );
  }
  return send(res, await handleAws(ctx, def, action, form));
}

export function makeServer(ctx: ServerContext): Server {
  const server = createServer((req, res) => {
    route(ctx, req, res).catch((err: unknown) => {
      console.error('localcloud: request failed', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
