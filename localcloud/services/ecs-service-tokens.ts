import { AwsError } from '../aws-error.js';
import type { Cloud } from '../cloud.js';
import type { Params } from '../input.js';
import type { Service } from '../state.js';

/**
 * CreateService's `clientToken`, as ECS documents it ("Ensuring idempotency"): a retry "using the same
 * client token and the same parameters" succeeds without doing anything more, and a token must not be
 * reused for another request. So a token is bound to the parameters of the create that succeeded with
 * it, for the cluster's life here (AWS documents no expiry for CreateService tokens), even once its
 * service is deleted: the same token with other parameters, or for a service since deleted and now
 * asked for with new ones, is refused.
 */

/** The request's parameters as canonical JSON (keys sorted at every level), without the token. */
export function canonicalParameters(input: Params): string {
  const { clientToken: _token, ...rest } = input;
  return JSON.stringify(sortKeys(rest));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

export const notIdempotent = () =>
  new AwsError('InvalidParameterException', 'Creation of service was not idempotent.');

/**
 * The service an earlier create with this token made, when the parameters are the same (a retry: ECS
 * answers with that service as it now stands, whatever its status); undefined for a new token.
 */
export function replayedService(cloud: Cloud, token: string | undefined, input: Params): Service | undefined {
  if (!token) return undefined;
  const earlier = cloud.state.serviceTokens.get(token);
  if (!earlier) return undefined;
  if (earlier.parameters !== canonicalParameters(input)) throw notIdempotent();
  return earlier.service;
}

export function rememberToken(
  cloud: Cloud,
  token: string | undefined,
  input: Params,
  service: Service,
): void {
  if (token) cloud.state.serviceTokens.set(token, { parameters: canonicalParameters(input), service });
}
