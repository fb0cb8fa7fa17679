import { AwsError } from './aws-error.js';
import { makeRng, type Rng } from './sim/rng.js';

/**
 * Fault injection, per operation (`ecs:CreateService`), per service (`ecs:*`) or for all (`*`).
 * The first rule that matches an operation applies. With a seed, the same calls fail every run.
 */
export interface FaultRule {
  operation: string;
  /** 0..1: share of matching calls that fail. */
  errorRate?: number;
  /**
   * throttle: ThrottlingException / Throttling / RequestLimitExceeded; internal: 500; unavailable: 503;
   * unsupported: what an implementation without the operation answers (UnknownOperationException on
   * JSON protocols, InvalidAction on query protocols, HTTP 400): with errorRate 1, a permanent failure.
   */
  error?: FaultError;
  /** Added before answering, failed or not. */
  latencyMs?: number;
  /**
   * The call waits, failed or not, until a later set of rules (or a reset) no longer holds its
   * operation: a test keeps a call in flight for as long as its own steps take, however loaded the machine.
   */
  hold?: boolean;
  /** Stop injecting errors after this many. */
  maxErrors?: number;
  /**
   * `ecs:ListTasks` only: the answer also lists, first, a task of another service (or a standalone task),
   * as an implementation that ignores the `serviceName` filter would.
   */
  foreignTask?: boolean;
  /** JSON protocols: the answer leaves out these fields wherever they occur (e.g. `createdAt`). */
  omitFields?: string[];
}

const FAULT_ERRORS = ['throttle', 'internal', 'unavailable', 'unsupported'] as const;
export type FaultError = (typeof FAULT_ERRORS)[number];

export interface FaultConfig {
  seed?: number;
  rules: FaultRule[];
}

export type Protocol = 'json' | 'query' | 'ec2';

export interface FaultDecision {
  latencyMs: number;
  /** Resolves when the rules stop holding the call's operation. */
  hold?: Promise<void>;
  error?: AwsError;
  foreignTask?: boolean;
  omitFields?: string[];
}

export interface Faults {
  get(): FaultConfig;
  set(config: FaultConfig): void;
  decide(operation: string, protocol: Protocol): FaultDecision;
}

function matches(pattern: string, operation: string): boolean {
  if (pattern === '*' || pattern === operation) return true;
  return pattern.endsWith(':*') && operation.startsWith(pattern.slice(0, -1));
}

function errorFor(kind: FaultError, protocol: Protocol, operation: string): AwsError {
  if (kind === 'unsupported') {
    const name = operation.slice(operation.indexOf(':') + 1);
    return protocol === 'json'
      ? new AwsError('UnknownOperationException', `Operation ${name} is not supported.`, 400)
      : new AwsError('InvalidAction', `The action ${name} is not valid for this web service.`, 400);
  }
  if (kind === 'internal')
    return new AwsError('InternalFailure', 'We encountered an internal error. Please try again.', 500);
  if (kind === 'unavailable')
    return new AwsError('ServiceUnavailable', 'Service is unavailable. Please try again.', 503);
  return throttleError(protocol);
}

/** AWS's own throttling answer per protocol, for injected faults and enforced rate limits alike. */
export function throttleError(protocol: Protocol): AwsError {
  if (protocol === 'json') return new AwsError('ThrottlingException', 'Rate exceeded', 400);
  if (protocol === 'ec2') return new AwsError('RequestLimitExceeded', 'Request limit exceeded.', 503);
  return new AwsError('Throttling', 'Rate exceeded', 400);
}

export function validateFaultConfig(value: unknown): FaultConfig {
  const v = value as Partial<FaultConfig> | undefined;
  if (!v || !Array.isArray(v.rules)) throw new Error('expected { seed?: number, rules: FaultRule[] }');
  for (const r of v.rules) {
    if (typeof r?.operation !== 'string')
      throw new Error('every rule needs an operation (e.g. "ecs:CreateService" or "*")');
    if (r.errorRate !== undefined && !(r.errorRate >= 0 && r.errorRate <= 1))
      throw new Error('errorRate must be within 0..1');
    if (r.error !== undefined && !FAULT_ERRORS.includes(r.error)) {
      throw new Error(`error must be one of ${FAULT_ERRORS.join(', ')}`);
    }
    if (
      r.omitFields !== undefined &&
      !(Array.isArray(r.omitFields) && r.omitFields.every((f) => typeof f === 'string'))
    )
      throw new Error('omitFields must be a list of field names');
    if (r.foreignTask !== undefined && typeof r.foreignTask !== 'boolean')
      throw new Error('foreignTask must be true or false');
    if (r.hold !== undefined && typeof r.hold !== 'boolean') throw new Error('hold must be true or false');
  }
  return { seed: typeof v.seed === 'number' ? v.seed : undefined, rules: v.rules.map((r) => ({ ...r })) };
}

export function makeFaults(defaultSeed: number): Faults {
  let config: FaultConfig = { rules: [] };
  let rng: Rng = makeRng(defaultSeed);
  const injected = new Map<FaultRule, number>();
  // Per operation, the gate its held calls wait at; opened when the rules stop holding that operation.
  const gates = new Map<string, { held: Promise<void>; open: () => void }>();
  const ruleFor = (operation: string) => config.rules.find((r) => matches(r.operation, operation));
  function gateOf(operation: string): Promise<void> {
    let gate = gates.get(operation);
    if (!gate) {
      let open = () => {};
      const held = new Promise<void>((resolve) => {
        open = resolve;
      });
      gate = { held, open };
      gates.set(operation, gate);
    }
    return gate.held;
  }
  return {
    get: () => config,
    set(next) {
      config = next;
      rng = makeRng(next.seed ?? defaultSeed);
      injected.clear();
      for (const [operation, gate] of gates) {
        if (ruleFor(operation)?.hold) continue;
        gate.open();
        gates.delete(operation);
      }
    },
    decide(operation, protocol) {
      const rule = ruleFor(operation);
      if (!rule) return { latencyMs: 0 };
      const answer: FaultDecision = {
        latencyMs: rule.latencyMs ?? 0,
        ...(rule.hold ? { hold: gateOf(operation) } : {}),
        ...(rule.foreignTask ? { foreignTask: true } : {}),
        ...(rule.omitFields?.length ? { omitFields: rule.omitFields } : {}),
      };
      const count = injected.get(rule) ?? 0;
      const exhausted = rule.maxErrors !== undefined && count >= rule.maxErrors;
      if (exhausted || !rule.errorRate || rng.next() >= rule.errorRate) return answer;
      injected.set(rule, count + 1);
      return { ...answer, error: errorFor(rule.error ?? 'throttle', protocol, operation) };
    },
  };
}
