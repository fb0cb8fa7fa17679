import type { Redis } from 'ioredis';
import { RateLimiterQueue, RateLimiterRedis } from 'rate-limiter-flexible';
import { type RateFamily, rateFamilyOf } from './aws-rate-families.js';

/**
 * A request budget every worker process shares, so that together they stay under AWS's token buckets
 * and throttling becomes rare rather than the normal path (the classifier's backoff still handles the
 * throttles other callers cause).
 *
 * rate-limiter-flexible's RateLimiterRedis counts each family's requests in Redis (one atomic script
 * per request, shared by every process), and its RateLimiterQueue makes a call that finds the window
 * spent wait for the next one instead of failing: a saga step would otherwise have to be retried.
 * `execEvenly` alone was not enough: it only spaces out calls that are allowed and still rejects the
 * rest. BullMQ's queue limiter was not used: it limits whole jobs, while one job makes calls to several
 * families. A fixed window of P = floor(burst/2) requests per W = ceil(P/refill) seconds never exceeds the
 * bucket: over any span t it lets through at most P(t/W + 2) <= refill*t + burst, even across a window
 * boundary.
 */
export interface AwsRateBudget {
  /** Resolves when `operation` (`ecs:CreateService`) may be sent. */
  take(operation: string): Promise<void>;
}

export function windowOf(family: Pick<RateFamily, 'burst' | 'refillPerSecond'>): {
  points: number;
  seconds: number;
} {
  const points = Math.max(1, Math.floor(family.burst / 2));
  return { points, seconds: Math.max(1, Math.ceil(points / family.refillPerSecond)) };
}

/**
 * `multiplier` (AWS_RATE_BUDGET_MULTIPLIER) scales every family's burst and refill alike: an account
 * whose quotas AWS raised, or a simulation running faster than real time. Both, because the window
 * is whole seconds (rate-limiter-flexible's Redis keys expire in seconds): scaling the refill alone
 * would need windows shorter than one.
 */
export function makeAwsRateBudget(redis: Redis, keyPrefix: string, multiplier = 1): AwsRateBudget {
  const queues = new Map<string, RateLimiterQueue>();
  const queueOf = (family: RateFamily) => {
    let queue = queues.get(family.name);
    if (!queue) {
      const { points, seconds } = windowOf({
        burst: family.burst * multiplier,
        refillPerSecond: family.refillPerSecond * multiplier,
      });
      const limiter = new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${keyPrefix}:${family.name}`,
        points,
        duration: seconds,
      });
      queue = new RateLimiterQueue(limiter);
      queues.set(family.name, queue);
    }
    return queue;
  };
  return {
    async take(operation) {
      const family = rateFamilyOf(operation);
      if (!family) return;
      // Redis unreachable: send anyway. AWS's own throttling and the classifier's backoff still apply,
      // and a budget must never be the reason a step cannot run.
      await queueOf(family)
        .removeTokens(1)
        .catch(() => undefined);
    },
  };
}

type Handler = (args: unknown) => Promise<unknown>;
type AddMiddleware = (
  middleware: (next: Handler, context: { commandName?: string }) => Handler,
  options: { step: 'finalizeRequest'; priority: 'low'; name: string },
) => void;

/**
 * Every request `client` sends first takes its family's budget. In the finalizeRequest step after the
 * SDK's retry middleware, so each attempt (a retry too) counts, as each reaches AWS's bucket.
 */
export function budgetRequests(
  client: { middlewareStack: object },
  service: string,
  budget: AwsRateBudget,
): void {
  const stack = client.middlewareStack as { add: AddMiddleware };
  stack.add(
    (next, context) => async (args) => {
      await budget.take(`${service}:${(context.commandName ?? '').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'awsRateBudget' },
  );
}
