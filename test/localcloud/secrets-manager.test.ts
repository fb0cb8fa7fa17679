import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RestoreSecretCommand,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localcloud, startLocalcloud } from '../../localcloud/index.js';
import { clients, errorOf, inspect, waitFor } from './helpers.js';

let lc: Localcloud;
let sm: ReturnType<typeof clients>['sm'];

beforeAll(async () => {
  lc = await startLocalcloud({ port: 0, seed: 11 });
  sm = clients(lc).sm;
});
afterAll(() => lc.close());

describe('Secrets Manager', () => {
  it('creates, describes and reads a secret; a retry with the same token is idempotent', async () => {
    const token = '11111111-1111-4111-8111-111111111111';
    const input = {
      Name: 'openclaw/u1',
      SecretString: '{"k":"v"}',
      ClientRequestToken: token,
      Tags: [{ Key: 'user', Value: 'u1' }],
    };
    const created = await sm.send(new CreateSecretCommand(input));
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:us-west-2:000000000000:secret:openclaw\/u1-[A-Za-z0-9]{6}$/,
    );
    expect(created.VersionId).toBe(token);
    const again = await sm.send(new CreateSecretCommand(input));
    expect(again.ARN).toBe(created.ARN);

    const d = await sm.send(new DescribeSecretCommand({ SecretId: created.ARN }));
    expect(d.Name).toBe('openclaw/u1');
    expect(d.Tags).toEqual([{ Key: 'user', Value: 'u1' }]);
    expect(d.VersionIdsToStages?.[token]).toEqual(['AWSCURRENT']);
    expect(d.CreatedDate).toBeInstanceOf(Date);

    const v = await sm.send(new GetSecretValueCommand({ SecretId: 'openclaw/u1' }));
    expect(v.SecretString).toBe('{"k":"v"}');
  });

  it('refuses a second create with another token (ResourceExistsException) and bad input (InvalidParameterException)', async () => {
    const err = await errorOf(() =>
      sm.send(new CreateSecretCommand({ Name: 'openclaw/u1', SecretString: 'other' })),
    );
    expect(err).toBeInstanceOf(ResourceExistsException);
    const bad = await errorOf(() =>
      sm.send(new CreateSecretCommand({ Name: 'bad name!', SecretString: 'x' })),
    );
    expect(bad).toBeInstanceOf(InvalidParameterException);
    const both = await errorOf(() =>
      sm.send(
        new DeleteSecretCommand({
          SecretId: 'openclaw/u1',
          ForceDeleteWithoutRecovery: true,
          RecoveryWindowInDays: 7,
        }),
      ),
    );
    expect(both.name).toBe('InvalidParameterException');
  });

  it('puts a new value: AWSCURRENT moves, AWSPREVIOUS keeps the old one', async () => {
    const put = await sm.send(new PutSecretValueCommand({ SecretId: 'openclaw/u1', SecretString: 'v2' }));
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'openclaw/u1' }))).SecretString).toBe('v2');
    const prev = await sm.send(
      new GetSecretValueCommand({ SecretId: 'openclaw/u1', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(prev.SecretString).toBe('{"k":"v"}');
  });

  it('schedules deletion with a recovery window, refuses reads and re-creates, restores', async () => {
    const del = await sm.send(new DeleteSecretCommand({ SecretId: 'openclaw/u1', RecoveryWindowInDays: 7 }));
    expect(del.DeletionDate!.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'openclaw/u1' }));
    expect(d.DeletedDate).toBeInstanceOf(Date);
    expect(
      await errorOf(() => sm.send(new GetSecretValueCommand({ SecretId: 'openclaw/u1' }))),
    ).toBeInstanceOf(InvalidRequestException);
    const recreate = await errorOf(() =>
      sm.send(new CreateSecretCommand({ Name: 'openclaw/u1', SecretString: 'x' })),
    );
    expect(recreate).toBeInstanceOf(InvalidRequestException);
    expect((await sm.send(new ListSecretsCommand({}))).SecretList?.map((s) => s.Name)).not.toContain(
      'openclaw/u1',
    );
    expect(
      (await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))).SecretList?.map(
        (s) => s.Name,
      ),
    ).toContain('openclaw/u1');

    await sm.send(new RestoreSecretCommand({ SecretId: 'openclaw/u1' }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'openclaw/u1' }))).SecretString).toBe('v2');
  });

  it('force-deletes without recovery: the name stays taken for a short delay, then is free', async () => {
    // Held long enough that nothing below races the background deletion.
    await inspect(lc, 'timing', { secretForceDeleteMs: 60_000 });
    await sm.send(new DeleteSecretCommand({ SecretId: 'openclaw/u1', ForceDeleteWithoutRecovery: true }));
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'openclaw/u1' }));
    expect(d.DeletedDate).toBeInstanceOf(Date);
    const early = await errorOf(() =>
      sm.send(new CreateSecretCommand({ Name: 'openclaw/u1', SecretString: 'fresh' })),
    );
    expect(early).toBeInstanceOf(InvalidRequestException);
    expect(early.message).toMatch(/already scheduled for deletion/);
    // Forced again while going, and on a name that never existed: no ResourceNotFoundException.
    await sm.send(new DeleteSecretCommand({ SecretId: 'openclaw/u1', ForceDeleteWithoutRecovery: true }));
    const never = await sm.send(
      new DeleteSecretCommand({ SecretId: 'openclaw/never-was', ForceDeleteWithoutRecovery: true }),
    );
    expect(never.Name).toBe('openclaw/never-was');
    // Without force, a missing secret is still ResourceNotFoundException.
    expect(
      await errorOf(() => sm.send(new DeleteSecretCommand({ SecretId: 'openclaw/never-was' }))),
    ).toBeInstanceOf(ResourceNotFoundException);

    await inspect(lc, 'timing', { secretForceDeleteMs: 200 });
    await sm.send(new CreateSecretCommand({ Name: 'force/short', SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'force/short', ForceDeleteWithoutRecovery: true }));
    await waitFor(
      () =>
        sm.send(new DescribeSecretCommand({ SecretId: 'force/short' })).then(
          () => false,
          (error: unknown) => error instanceof ResourceNotFoundException,
        ),
      { what: 'the forced delete to finish' },
    );
    await sm.send(new CreateSecretCommand({ Name: 'force/short', SecretString: 'fresh' }));
    await inspect(lc, 'timing', { secretForceDeleteMs: null });
  });

  it('lists with name-prefix, tag-key and tag-value filters and pages with NextToken/MaxResults', async () => {
    for (let i = 0; i < 5; i++) {
      await sm.send(
        new CreateSecretCommand({
          Name: `list/s${i}`,
          SecretString: 'x',
          Tags: [{ Key: i % 2 ? 'odd' : 'even', Value: `n${i}` }],
        }),
      );
    }
    const byName = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['list/'] }] }));
    expect(byName.SecretList).toHaveLength(5);
    const byKey = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'tag-key', Values: ['odd'] }] }));
    expect(byKey.SecretList?.map((s) => s.Name).sort()).toEqual(['list/s1', 'list/s3']);
    const byValue = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: 'tag-value', Values: ['n4'] }] }),
    );
    expect(byValue.SecretList?.map((s) => s.Name)).toEqual(['list/s4']);

    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await sm.send(
        new ListSecretsCommand({
          MaxResults: 2,
          NextToken: token,
          Filters: [{ Key: 'name', Values: ['list/'] }],
        }),
      );
      expect(page.SecretList!.length).toBeLessThanOrEqual(2);
      names.push(...page.SecretList!.map((s) => s.Name!));
      token = page.NextToken;
    } while (token);
    expect(names).toEqual(['list/s0', 'list/s1', 'list/s2', 'list/s3', 'list/s4']);
  });

  it('tags a secret', async () => {
    await sm.send(new TagResourceCommand({ SecretId: 'list/s0', Tags: [{ Key: 'extra', Value: 'yes' }] }));
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'list/s0' }));
    expect(d.Tags).toContainEqual({ Key: 'extra', Value: 'yes' });
  });

  it('never shows secret values on the inspection surface', async () => {
    const state = await inspect<{ secrets: unknown[] }>(lc, 'state');
    expect(state.secrets.length).toBeGreaterThan(0);
    expect(JSON.stringify(state)).not.toContain('fresh');
    expect(JSON.stringify(state)).not.toContain('SecretString');
  });
});
