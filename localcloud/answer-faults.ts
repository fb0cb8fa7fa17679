import type { Cloud } from './cloud.js';
import type { FaultDecision } from './faults.js';

/**
 * Faults that change a successful answer rather than fail it: what another implementation of the API
 * may answer that AWS would not. `foreignTask` lists, first, a task the ListTasks filter should have left
 * out (another service's); `omitFields` drops optional fields (`createdAt`, `registeredAt`) AWS sends.
 */
export function applyAnswerFaults(
  cloud: Cloud,
  operation: string,
  input: Record<string, unknown>,
  result: unknown,
  decision: FaultDecision,
): unknown {
  let answer = result;
  if (decision.foreignTask && operation === 'ecs:ListTasks') answer = withForeignTask(cloud, input, answer);
  if (decision.omitFields) answer = without(answer, new Set(decision.omitFields));
  return answer;
}

function withForeignTask(cloud: Cloud, input: Record<string, unknown>, result: unknown): unknown {
  const listed = (result as { taskArns?: string[] } | undefined)?.taskArns ?? [];
  const asked = typeof input.serviceName === 'string' ? input.serviceName.split('/').pop() : undefined;
  const tasks = [...cloud.state.tasks.values()].filter(
    (t) => t.serviceName !== asked && t.desiredStatus === 'RUNNING' && !listed.includes(t.arn),
  );
  // A running one, when there is one: the most convincing impostor.
  const foreign = tasks.find((t) => t.lastStatus === 'RUNNING') ?? tasks[0];
  if (!foreign) return result;
  return { ...(result as object), taskArns: [foreign.arn, ...listed] };
}

function without(value: unknown, fields: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => without(v, fields));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !fields.has(k))
      .map(([k, v]) => [k, without(v, fields)]),
  );
}
