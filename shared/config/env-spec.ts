import type { z } from 'zod';
import { envDescriptions, secretEnvNames } from '../env-descriptions.js';
import { apiEnvSchema, workerEnvSchema } from './env-schemas.js';

export interface EnvVarSpec {
  name: string;
  required: boolean;
  secret: boolean;
  default?: string;
  description: string;
  services: readonly ('api' | 'worker')[];
}

/** Every variable, derived from the schemas themselves so the docs and checks cannot drift from them. */
export const envSpec: readonly EnvVarSpec[] = (() => {
  const byName = new Map<string, EnvVarSpec>();
  for (const [service, schema] of [
    ['api', apiEnvSchema],
    ['worker', workerEnvSchema],
  ] as const) {
    for (const [name, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
      const unset = field.safeParse(undefined);
      const existing = byName.get(name);
      if (existing) {
        // Required if any service requires it (LOG_GROUP: the worker does; the API runs without logs).
        const required = existing.required || (!unset.success && !name.startsWith('ALB_'));
        byName.set(name, { ...existing, required, services: [...existing.services, service] });
        continue;
      }
      const fallback = unset.success && unset.data !== undefined ? unset.data : undefined;
      byName.set(name, {
        name,
        required: !unset.success && !name.startsWith('ALB_'),
        secret: secretEnvNames.has(name),
        ...(fallback !== undefined ? { default: String(fallback) } : {}),
        description: envDescriptions[name as keyof typeof envDescriptions] ?? '',
        services: [service],
      });
    }
  }
  // The routing pool needs one of the two listener forms; the list form is what terraform outputs.
  for (const name of ['ALB_LISTENER_ARNS', 'ALB_DNS_NAMES']) {
    const spec = byName.get(name);
    if (spec) byName.set(name, { ...spec, required: true });
  }
  return [...byName.values()];
})();
