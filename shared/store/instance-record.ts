import {
  emptySteps,
  type InstanceRecord,
  type InstanceStatus,
  STEP_IDS,
  type StepId,
  type StepRecord,
} from '../domain.js';

/** A flat HGETALL-style reply (as Lua scripts return it) as an object. */
export function pairsToHash(pairs: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i]!] = pairs[i + 1]!;
  return hash;
}

/** Where an instance answers: its path on its listener's load balancer. Built here only. */
export function instanceUrl(albDnsName: string, id: string): string {
  return `http://${albDnsName}/${id}/`;
}

/** The instance hash as a typed record; null for a missing or half-written hash. */
export function parseRecord(hash: Record<string, string>): InstanceRecord | null {
  if (!hash.id || !hash.status) return null;
  const steps = emptySteps();
  for (const id of STEP_IDS) {
    const raw = hash[`step:${id}`];
    if (raw) steps[id] = JSON.parse(raw) as StepRecord;
  }
  return {
    id: hash.id,
    userId: hash.userId ?? '',
    email: hash.email ?? '',
    status: hash.status as InstanceStatus,
    currentStep: (hash.currentStep as StepId | undefined) || null,
    steps,
    listenerArn: hash.listenerArn ?? '',
    albDnsName: hash.albDnsName ?? '',
    routingSlot: Number(hash.routingSlot ?? -1),
    url: hash.albDnsName ? instanceUrl(hash.albDnsName, hash.id) : '',
    error: hash.error ? JSON.parse(hash.error) : null,
    requestId: hash.requestId ?? '',
    createdAt: hash.createdAt ?? '',
    updatedAt: hash.updatedAt ?? '',
    runningAt: hash.runningAt || null,
    deletedAt: hash.deletedAt || null,
    leftovers: hash.leftovers ? JSON.parse(hash.leftovers) : [],
    ...(hash.credentialsRotation ? { credentialsRotation: Number(hash.credentialsRotation) } : {}),
    ...(hash.image ? { image: hash.image } : {}),
  };
}
