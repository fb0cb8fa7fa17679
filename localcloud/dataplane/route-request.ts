import { matchesPathPattern } from './path-pattern.js';

/**
 * Which action a listener takes for a request, as ELBv2 documents it: rules in priority order
 * (lowest first), a rule applies when all its conditions match, the default actions when none does.
 * Pure: it reads rules as DescribeRules shapes them, so the unit and property tests need no cloud.
 */
export interface RuleLike {
  priority: number;
  conditions: readonly Record<string, unknown>[];
  actions: readonly Record<string, unknown>[];
}

export interface RequestFacts {
  /** The path only, without the query string. */
  path: string;
}

export interface WeightedGroup {
  arn: string;
  weight: number;
}

export type RoutedAction =
  | { type: 'forward'; targetGroups: WeightedGroup[] }
  | { type: 'fixed-response'; statusCode: number; contentType: string; body: string }
  | { type: 'unsupported'; actionType: string };

const TERMINAL = new Set(['forward', 'fixed-response', 'redirect']);

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

function anyMatches(patterns: unknown, path: string): boolean {
  if (!Array.isArray(patterns)) return false;
  for (const p of patterns) if (typeof p === 'string' && matchesPathPattern(p, path)) return true;
  return false;
}

/**
 * One condition; several values in it are alternatives. A condition type localcloud does not
 * evaluate never matches (README: deviations). Reads the values in place: this runs per rule per
 * request.
 */
function conditionMatches(condition: Record<string, unknown>, req: RequestFacts): boolean {
  if (condition.Field !== 'path-pattern') return false;
  return (
    anyMatches(condition.Values, req.path) ||
    anyMatches(record(condition.PathPatternConfig)?.Values, req.path)
  );
}

export function ruleMatches(rule: RuleLike, req: RequestFacts): boolean {
  if (rule.conditions.length === 0) return false;
  for (const c of rule.conditions) if (!conditionMatches(c, req)) return false;
  return true;
}

const orderOf = (a: Record<string, unknown>): number => Number(a.Order ?? 0) || 0;

/** The action that answers: forward, fixed-response or redirect, which ELBv2 requires to be the last. */
export function terminalAction(actions: readonly Record<string, unknown>[]): RoutedAction {
  let last: Record<string, unknown> | undefined;
  for (const a of actions) {
    if (typeof a.Type === 'string' && TERMINAL.has(a.Type) && (!last || orderOf(a) >= orderOf(last)))
      last = a;
  }
  if (last?.Type === 'forward') return { type: 'forward', targetGroups: forwardGroups(last) };
  if (last?.Type === 'fixed-response') {
    const c = record(last.FixedResponseConfig) ?? {};
    return {
      type: 'fixed-response',
      statusCode: Number(c.StatusCode) || 200,
      contentType: typeof c.ContentType === 'string' ? c.ContentType : 'text/plain',
      body: typeof c.MessageBody === 'string' ? c.MessageBody : '',
    };
  }
  return { type: 'unsupported', actionType: typeof last?.Type === 'string' ? last.Type : 'none' };
}

/** ForwardConfig's weighted groups when present, else the single TargetGroupArn. */
function forwardGroups(action: Record<string, unknown>): WeightedGroup[] {
  const groups = record(action.ForwardConfig)?.TargetGroups;
  if (Array.isArray(groups) && groups.length > 0) {
    return groups
      .map(record)
      .filter((g): g is Record<string, unknown> => typeof g?.TargetGroupArn === 'string')
      .map((g) => ({
        arn: g.TargetGroupArn as string,
        weight: g.Weight === undefined ? 1 : Number(g.Weight) || 0,
      }));
  }
  return typeof action.TargetGroupArn === 'string' ? [{ arn: action.TargetGroupArn, weight: 1 }] : [];
}

export function routeRequest(
  rules: Iterable<RuleLike>,
  defaultActions: readonly Record<string, unknown>[],
  req: RequestFacts,
): RoutedAction {
  const ordered = [...rules].sort((a, b) => a.priority - b.priority);
  for (const rule of ordered) if (ruleMatches(rule, req)) return terminalAction(rule.actions);
  return terminalAction(defaultActions);
}

/** A weighted choice among forward groups; `roll` in [0, 1) (AWS picks by weight per request). */
export function chooseGroup(groups: readonly WeightedGroup[], roll: number): string | undefined {
  const total = groups.reduce((sum, g) => sum + Math.max(0, g.weight), 0);
  if (groups.length === 1) return groups[0]?.arn;
  if (total <= 0) return undefined;
  let at = roll * total;
  for (const g of groups) {
    at -= Math.max(0, g.weight);
    if (at < 0) return g.arn;
  }
  return groups.at(-1)?.arn;
}
