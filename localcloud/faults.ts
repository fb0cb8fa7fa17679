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
  /** throttle: ThrottlingException / Throttling / RequestLimitExceeded; internal: 500; unavailable: 503. */
  error?: 'throttle' | 'internal' | 'unavailable';
  /** Added before answering, failed or not. */
  latencyMs?: number;
  /** Stop injecting errors after this many. */
  maxErrors?: number;
}

export interface FaultConfig {
  seed?: number;
  rules: FaultRule[];
}

export type Protocol = 'json' | 'query' | 'ec2';

export interface FaultDecision {
  latencyMs: number;
  error?: AwsError;
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

function errorFor(kind: FaultRule['error'], protocol: Protocol): AwsError {
  if (kind === 'internal')
    return new AwsError('InternalFailure', 'We encountered an internal error. Please try again.', 500);
  if (kind === 'unavailable')
    return new AwsError('ServiceUnavailable', 'Service is unavailable. Please try again.', 503);
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
    if (r.error !== undefined && !['throttle', 'internal', 'unavailable'].includes(r.error)) {
      throw new Error('error must be throttle, internal or unavailable');
    }
  }
  return { seed: typeof v.seed === 'number' ? v.seed : undefined, rules: v.rules.map((r) => ({ ...r })) };
}

export function makeFaults(defaultSeed: number): Faults {
  let config: FaultConfig = { rules: [] };
  let rng: Rng = makeRng(defaultSeed);
  const injected = new Map<FaultRule, number>();
  return {
    get: () => config,
    set(next) {
      config = next;
      rng = makeRng(next.seed ?? defaultSeed);
      injected.clear();
    },
    decide(operation, protocol) {
      const rule = config.rules.find((r) => matches(r.operation, operation));
      if (!rule) return { latencyMs: 0 };
      const latencyMs = rule.latencyMs ?? 0;
      const count = injected.get(rule) ?? 0;
      const exhausted = rule.maxErrors !== undefined && count >= rule.maxErrors;
      if (exhausted || !rule.errorRate || rng.next() >= rule.errorRate) return { latencyMs };
      injected.set(rule, count + 1);
      return { latencyMs, error: errorFor(rule.error ?? 'throttle', protocol) };
    },
  };
}
