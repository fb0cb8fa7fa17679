import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallLogEntry } from '../../localcloud/inspection.js';
import { waitUntilNothingLeft } from '../support/cloud-inventory.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { waitFor } from '../support/wait-for.js';

/** Every call that makes or changes something of an instance's (the delete's own calls excluded). */
const CREATES =
  /^(secretsmanager:(CreateSecret|PutSecretValue|RestoreSecret)|ecs:(RegisterTaskDefinition|CreateService)|elasticloadbalancing:(CreateTargetGroup|CreateRule|ModifyRule))$/;

/**
 * The order itself, read from localcloud's call log (every AWS call, in arrival order), not inferred from
 * the end state: once a delete is accepted, the create makes no further create call for that instance.
 * The delete lands while the create's first call is held in flight, so the create must notice it at the
 * next step boundary. An end state alone cannot tell: the delete removes whatever a late create made.
 */
describe('pipeline: no create call after the delete is accepted', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('stops the create at the next step boundary once the delete is accepted', async () => {
    // CreateSecret is held in flight until the rules change below, however long the delete takes to land.
    await p.inspect('faults', { rules: [{ operation: 'secretsmanager:CreateSecret', hold: true }] });
    await p.inspect('calls/reset', {});
    const { id } = await p.submit('order-del-mid-create');
    const log = () => p.inspect<CallLogEntry[]>('calls/log');
    await waitFor(async () => (await log()).some((c) => c.operation === 'secretsmanager:CreateSecret'), {
      what: 'the create to send CreateSecret',
    });

    await p.remove(id);
    const acceptedAt = (await log()).at(-1)?.seq ?? 0;
    // The delete really landed mid-create: the held call has not returned, so its step is not done.
    const during = await p.store.get(id);
    expect(during?.steps.secret.state, 'the delete was accepted while CreateSecret was in flight').toBe(
      'running',
    );
    expect(during?.status).toBe('deleting');
    await p.inspect('faults', { rules: [] });

    await p.waitForStatus([id], ['deleted'], 30_000);
    await waitUntilNothingLeft(() => p.inspect('state'), [id]);

    const after = (await log()).filter((c) => c.seq > acceptedAt);
    const creates = after.filter((c) => CREATES.test(c.operation)).map((c) => `#${c.seq} ${c.operation}`);
    expect(creates, 'create calls made after the delete was accepted').toEqual([]);
    // The log did record the delete's work after that point (the check above looked at real traffic).
    expect(after.map((c) => c.operation)).toContain('secretsmanager:DeleteSecret');
  });
});
