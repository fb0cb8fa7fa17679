import { describe, expect, it } from 'vitest';
import type { Cloud } from '../cloud.js';
import type { Secret, TaskDefinition } from '../state.js';
import { containerEnv, parseValueFrom } from './container-env.js';

const ARN = 'arn:aws:secretsmanager:us-west-2:000000000000:secret:openclaw/instances/abc-AbCdEf';

function cloudWith(secrets: Secret[]): Cloud {
  return {
    state: { secrets: new Map(secrets.map((s) => [s.name, s])) },
    clock: { now: () => 0 },
  } as unknown as Cloud;
}

function secret(versions: { id: string; string: string; stages: string[] }[], deletedAt?: number): Secret {
  return {
    arn: ARN,
    name: 'openclaw/instances/abc',
    versions: new Map(versions.map((v) => [v.id, { ...v, createdAt: 0 }])),
    tags: [],
    createdAt: 0,
    lastChangedAt: 0,
    deletedAt,
  };
}

function taskDefinition(secrets: { name: string; valueFrom: string }[]): TaskDefinition {
  return {
    body: {
      containerDefinitions: [
        { name: 'sidecar', image: 'x', essential: false },
        { name: 'gateway', image: 'gw:1', environment: [{ name: 'A', value: 'a' }], secrets, stopTimeout: 5 },
      ],
    },
  } as unknown as TaskDefinition;
}

const current = { id: 'v2', string: '{"TOKEN":"t2","N":3}', stages: ['AWSCURRENT'] };
const previous = { id: 'v1', string: '{"TOKEN":"t1"}', stages: ['AWSPREVIOUS'] };
const REASON =
  'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): ';

describe('container environment from the task definition and Secrets Manager', () => {
  it('parses valueFrom: a name, a whole-secret ARN, and ARN:json-key:version-stage:version-id', () => {
    expect(parseValueFrom('openclaw/x')).toEqual({ id: 'openclaw/x' });
    expect(parseValueFrom(ARN)).toMatchObject({ id: ARN, jsonKey: undefined });
    expect(parseValueFrom(`${ARN}:TOKEN::`)).toEqual({ id: ARN, jsonKey: 'TOKEN' });
    expect(parseValueFrom(`${ARN}::AWSPREVIOUS:`)).toMatchObject({ id: ARN, stage: 'AWSPREVIOUS' });
    expect(parseValueFrom(`${ARN}:TOKEN::v1`)).toMatchObject({ jsonKey: 'TOKEN', versionId: 'v1' });
  });

  it('gives the essential container its environment, each secret, and PORT', () => {
    const td = taskDefinition([
      { name: 'WHOLE', valueFrom: ARN },
      { name: 'TOKEN', valueFrom: `${ARN}:TOKEN::` },
      { name: 'OLD', valueFrom: `${ARN}:TOKEN:AWSPREVIOUS:` },
      { name: 'BY_ID', valueFrom: `${ARN}:TOKEN::v1` },
      { name: 'NUMBER', valueFrom: `${ARN}:N::` },
      { name: 'BY_NAME', valueFrom: 'openclaw/instances/abc' },
    ]);
    const r = containerEnv(cloudWith([secret([previous, current])]), td, 4321);
    expect(r).toEqual({
      ok: true,
      image: 'gw:1',
      stopTimeoutSeconds: 5,
      env: {
        A: 'a',
        WHOLE: current.string,
        TOKEN: 't2',
        OLD: 't1',
        BY_ID: 't1',
        NUMBER: '3',
        BY_NAME: current.string,
        PORT: '4321',
      },
    });
  });

  it('fails with the ECS agent reason for a missing key, secret, version, a deleted secret or a non-JSON value', () => {
    const reason = (valueFrom: string, secrets = [secret([current])]) => {
      const r = containerEnv(cloudWith(secrets), taskDefinition([{ name: 'X', valueFrom }]), 1);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason(`${ARN}:NOPE::`)).toBe(
      `${REASON}retrieved secret from Secrets Manager did not contain json key NOPE`,
    );
    expect(reason(`${ARN}:TOKEN::`, [])).toBe(
      `${REASON}failed to fetch secret ${ARN} from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.`,
    );
    expect(reason(`${ARN}:TOKEN::nope`)).toContain(
      "can't find the specified secret value for VersionId: nope",
    );
    expect(reason(`${ARN}:TOKEN::`, [secret([current], 1)])).toContain(
      "InvalidRequestException: You can't perform this operation on the secret because it was marked for deletion.",
    );
    const plain = secret([{ id: 'v', string: 'not json', stages: ['AWSCURRENT'] }]);
    expect(reason(`${ARN}:TOKEN::`, [plain])).toBe(
      `${REASON}invalid character 'n' looking for beginning of value`,
    );
  });
});
