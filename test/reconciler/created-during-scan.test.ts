import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_IDS } from '../../shared/domain.js';
import { resourceNames } from '../../shared/naming.js';
import { resourceExists } from '../../worker/reconciler/resource-exists.js';
import { type ReconcilerPipeline, startReconcilerPipeline, waitFor } from './harness.js';

/** Everything as eager as it gets: any resource and any record counts as old enough. */
const EAGER = { graceMs: 1, staleJobMs: 1, unhealthyMs: 1 };

/**
 * The reconciler reads AWS one List call at a time. An instance created between its ListSecrets and its
 * later calls shows every resource but the secret; its record, read after the scan, says running. That
 * torn view once failed a healthy instance ("its secret was deleted"): it must be left to the next run.
 */
describe('reconciler: an instance created while AWS is read', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('is neither failed nor repaired, and the next run finds nothing to do', async () => {
    const calls = () => p.inspect<Record<string, number>>('calls');
    const listsBefore = (await calls())['secretsmanager:ListSecrets'] ?? 0;
    // The reconciler's later List call is held in flight until the whole create has run.
    await p.inspect('faults', {
      rules: [{ operation: 'ecs:ListTaskDefinitionFamilies', hold: true }],
    });
    const run = p.reconcile(EAGER);
    await waitFor(
      async () => ((await calls())['secretsmanager:ListSecrets'] ?? 0) > listsBefore,
      5_000,
      'the reconciler to list secrets',
    );
    const { id } = await p.submit('mid-scan');
    await p.waitForStatus([id], ['running'], 15_000);
    await p.inspect('faults', { rules: [] });
    const torn = await run;

    expect(torn.actions.filter((a) => a.instanceId === id)).toEqual([]);
    expect((await p.store.get(id))?.status).toBe('running');
    const next = await p.reconcile(EAGER);
    expect(next.actions.filter((a) => a.instanceId === id)).toEqual([]);
    expect((await p.store.get(id))?.status).toBe('running');
  }, 30_000);

  it('confirms "missing" by a direct read before acting: each resource of a running instance exists', async () => {
    const { id } = await p.submit('confirm-read');
    const [record] = await p.waitForStatus([id], ['running'], 15_000);
    const stepCtx = { ...p.ctx(), note: async () => {} };
    for (const step of STEP_IDS) expect(await resourceExists(stepCtx, record!, step), step).toBe(true);

    const { secretName } = resourceNames(id);
    await p.aws.secrets.send(new DeleteSecretCommand({ SecretId: secretName, RecoveryWindowInDays: 7 }));
    expect(await resourceExists(stepCtx, record!, 'secret')).toBe(false);
  });
});
