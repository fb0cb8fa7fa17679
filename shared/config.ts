/**
 * Configuration, parsed once at boot. Nothing else in the code base reads `process.env`.
 * A missing or malformed variable stops the process with one line naming it.
 */
import type { z } from 'zod';
import {
  type ApiEnv,
  apiEnvSchema,
  type common,
  type WorkerEnv,
  workerEnvSchema,
} from './config/env-schemas.js';
import { envDescriptions } from './env-descriptions.js';

export { type ApiEnv, apiEnvSchema, type WorkerEnv, workerEnvSchema } from './config/env-schemas.js';
export { type EnvVarSpec, envSpec } from './config/env-spec.js';
export { Secret } from './config/fields.js';

export interface RoutingListener {
  listenerArn: string;
  dnsName: string;
}

export interface RoutingConfig {
  listeners: RoutingListener[];
  rulesPerListener: number;
  targetGroupsPerAlb: number;
  margin: number;
}

export type ApiConfig = ApiEnv & { routing: RoutingConfig; bullBoardReadOnly: boolean; SIGNUP_PAGE: boolean };
export type WorkerConfig = WorkerEnv & { routing: RoutingConfig };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** One listener per ALB: the list form wins, the single form is the one-ALB case. */
function routingFrom(env: z.infer<z.ZodObject<typeof common>>): RoutingConfig {
  const arns = env.ALB_LISTENER_ARNS ?? (env.ALB_LISTENER_ARN ? [env.ALB_LISTENER_ARN] : []);
  const names = env.ALB_DNS_NAMES ?? (env.ALB_DNS_NAME ? [env.ALB_DNS_NAME] : []);
  if (arns.length === 0) throw new ConfigError('ALB_LISTENER_ARNS (or ALB_LISTENER_ARN): required');
  if (names.length !== arns.length) {
    throw new ConfigError(
      `ALB_DNS_NAMES: needs one DNS name per listener (${arns.length} listeners, ${names.length} names)`,
    );
  }
  return {
    listeners: arns.map((listenerArn, i) => ({ listenerArn, dnsName: names[i]! })),
    rulesPerListener: env.ALB_RULES_PER_LISTENER,
    targetGroupsPerAlb: env.ALB_TARGET_GROUPS_PER_ALB,
    margin: env.ALB_QUOTA_MARGIN,
  };
}

function parseWith<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  // Empty strings count as unset, as docker compose and shells pass them for blank variables.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const first = result.error.issues[0]!;
    const name = first.path.join('.') || 'environment';
    const description = envDescriptions[name as keyof typeof envDescriptions];
    throw new ConfigError(`${name}: ${first.message}${description ? ` (${description})` : ''}`);
  }
  return result.data;
}

/** The signup page mails links that prove who owns an address: in production it needs all of these. */
const SIGNUP_PRODUCTION_SETTINGS = ['PUBLIC_URL', 'SMTP_URL', 'MAIL_FROM', 'SIGNUP_SIGNING_KEY'] as const;

export function loadApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const parsed = parseWith(apiEnvSchema, env);
  const signupPage = parsed.SIGNUP_PAGE ?? parsed.NODE_ENV !== 'production';
  if (parsed.NODE_ENV === 'production' && signupPage) {
    const missing = SIGNUP_PRODUCTION_SETTINGS.filter((name) => parsed[name] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(
        `${missing.join(', ')}: required in production while SIGNUP_PAGE=true (${missing.map((n) => envDescriptions[n]).join('; ')}), or set SIGNUP_PAGE=false`,
      );
    }
  }
  return {
    ...parsed,
    SIGNUP_PAGE: signupPage,
    routing: routingFrom(parsed),
    bullBoardReadOnly: parsed.BULL_BOARD_READ_ONLY ?? parsed.NODE_ENV === 'production',
  };
}

export function loadWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const parsed = parseWith(workerEnvSchema, env);
  if (parsed.WEBHOOK_URLS && !parsed.WEBHOOK_SECRET) {
    throw new ConfigError(
      `WEBHOOK_SECRET: required when WEBHOOK_URLS is set (${envDescriptions.WEBHOOK_SECRET})`,
    );
  }
  return { ...parsed, routing: routingFrom(parsed) };
}
