import type { Cloud } from '../cloud.js';
import type { Secret, SecretVersion, TaskDefinition } from '../state.js';

/**
 * What ECS gives a task's container at start: the container definition's `environment`, plus each of
 * its `secrets` fetched from Secrets Manager by `valueFrom`, which is a secret's ARN or name, optionally
 * followed by `:json-key:version-stage:version-id` (any of them empty). A secret that cannot be
 * fetched, or a JSON key it lacks, stops the task before it runs, with the ECS agent's message.
 * See README "Data plane: tasks and health" for the sources.
 */
export type ContainerEnv =
  | { ok: true; env: Record<string, string>; image: string; stopTimeoutSeconds: number }
  | { ok: false; reason: string };

type Params = Record<string, unknown>;

const RETRIEVAL =
  'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): ';

/** The ECS agent's stop timeout when neither the container nor the agent sets one. */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 30;

/** The container localcloud runs: the first essential one (ECS's default is essential). */
export function mainContainer(td: TaskDefinition): Params | undefined {
  const all = (td.body.containerDefinitions ?? []) as Params[];
  return all.find((c) => c.essential !== false) ?? all[0];
}

interface SecretRef {
  id: string;
  jsonKey?: string;
  stage?: string;
  versionId?: string;
}

/** `arn:aws:secretsmanager:region:account:secret:name-AbCdEf[:json-key[:stage[:version-id]]]`, or a name. */
export function parseValueFrom(valueFrom: string): SecretRef {
  if (!valueFrom.startsWith('arn:')) return { id: valueFrom };
  const parts = valueFrom.split(':');
  const [jsonKey, stage, versionId] = parts.slice(7).map((p) => p || undefined);
  return { id: parts.slice(0, 7).join(':'), jsonKey, stage, versionId };
}

function findSecret(cloud: Cloud, id: string): Secret | undefined {
  const byName = cloud.state.secrets.get(id);
  if (byName) return byName;
  for (const s of cloud.state.secrets.values()) if (s.arn === id || s.arn.slice(0, -7) === id) return s;
  return undefined;
}

function fetchValue(cloud: Cloud, ref: SecretRef): { value: string } | { error: string } {
  const secret = findSecret(cloud, ref.id);
  const fetchFailed = `${RETRIEVAL}failed to fetch secret ${ref.id} from secrets manager: `;
  if (!secret)
    return {
      error: `${fetchFailed}ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
    };
  if (secret.deletedAt !== undefined)
    return {
      error: `${fetchFailed}InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion.`,
    };
  const stage = ref.stage ?? (ref.versionId ? undefined : 'AWSCURRENT');
  let version: SecretVersion | undefined;
  for (const v of secret.versions.values()) {
    if ((!ref.versionId || v.id === ref.versionId) && (!stage || v.stages.includes(stage))) version = v;
  }
  if (!version) {
    const what = ref.versionId ? `VersionId: ${ref.versionId}` : `staging label: ${stage}`;
    return {
      error: `${fetchFailed}ResourceNotFoundException: Secrets Manager can't find the specified secret value for ${what}`,
    };
  }
  secret.lastAccessedAt = cloud.clock.now();
  return { value: version.string ?? Buffer.from(version.binary ?? '', 'base64').toString('utf8') };
}

function pickKey(raw: string, key: string): { value: string } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    const first = raw.trimStart()[0] ?? '';
    return { error: `${RETRIEVAL}invalid character '${first}' looking for beginning of value` };
  }
  const obj = typeof parsed === 'object' && parsed !== null ? (parsed as Params) : {};
  if (!Object.hasOwn(obj, key))
    return { error: `${RETRIEVAL}retrieved secret from Secrets Manager did not contain json key ${key}` };
  const v = obj[key];
  return { value: typeof v === 'string' ? v : JSON.stringify(v) };
}

export function containerEnv(cloud: Cloud, td: TaskDefinition, port: number): ContainerEnv {
  const container = mainContainer(td) ?? {};
  const env: Record<string, string> = {};
  for (const e of (container.environment ?? []) as Params[]) {
    if (typeof e.name === 'string') env[e.name] = String(e.value ?? '');
  }
  for (const s of (container.secrets ?? []) as Params[]) {
    if (typeof s.name !== 'string' || typeof s.valueFrom !== 'string') continue;
    const ref = parseValueFrom(s.valueFrom);
    const fetched = fetchValue(cloud, ref);
    if ('error' in fetched) return { ok: false, reason: fetched.error };
    const picked = ref.jsonKey ? pickKey(fetched.value, ref.jsonKey) : fetched;
    if ('error' in picked) return { ok: false, reason: picked.error };
    env[s.name] = picked.value;
  }
  // The loopback port stands for the ENI's container port: the process must listen there.
  env.PORT = String(port);
  const stop =
    typeof container.stopTimeout === 'number' ? container.stopTimeout : DEFAULT_STOP_TIMEOUT_SECONDS;
  return { ok: true, env, image: String(container.image ?? ''), stopTimeoutSeconds: stop };
}
