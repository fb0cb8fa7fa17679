import { DeleteRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_PRIORITY_BASE } from '../../shared/naming.js';
import { createForeignRule } from '../support/foreign-rule.js';
import { type ReconcilerPipeline, startReconcilerPipeline } from './harness.js';

/**
 * A rule from outside the platform at the priority of the next routing slot blocks that slot (the
 * create moves on). Once that rule is gone the reconciler gives the slot back, and the next create
 * takes it: no capacity is lost for good to someone else's rule.
 */
describe('reconciler: routing slots blocked by another rule', () => {
  let p: ReconcilerPipeline;
  beforeAll(async () => {
    p = await startReconcilerPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('stay blocked while the rule holds the priority, and are freed and reused once it is gone', async () => {
    const listenerArn = p.config.routing.listeners[0]!.listenerArn;
    const foreignRule = await createForeignRule(p.aws, {
      vpcId: p.config.VPC_ID,
      listenerArn,
      priority: RULE_PRIORITY_BASE,
    });
    const first = await p.submit('moved-on');
    expect(first.instance.listenerArn).toBe(listenerArn);
    expect(first.instance.routingSlot).toBe(0);
    const [moved] = await p.waitForStatus([first.id], ['running'], 20_000);
    expect(moved!.routingSlot).not.toBe(0);
    expect(await p.store.blockedSlots(listenerArn)).toEqual([0]);

    const held = await p.reconcile();
    expect(held.slotsFreed).toBe(0);
    expect(await p.store.blockedSlots(listenerArn)).toEqual([0]);

    await p.aws.elbv2.send(new DeleteRuleCommand({ RuleArn: foreignRule }));
    const dry = await p.reconcile({ dryRun: true });
    expect(dry).toMatchObject({ slotsFreed: 0, driftFound: 1 });
    expect(await p.store.blockedSlots(listenerArn)).toEqual([0]);

    const freed = await p.reconcile();
    expect(freed.slotsFreed).toBe(1);
    expect(await p.store.blockedSlots(listenerArn)).toEqual([]);
    expect((await p.report()).totals.slotsFreed).toBe(1);
    expect(p.logLines.some((l) => l.includes('blocked routing slot freed'))).toBe(true);

    const second = await p.submit('takes-it-back');
    expect(second.instance).toMatchObject({ listenerArn, routingSlot: 0 });
    const [reused] = await p.waitForStatus([second.id], ['running'], 20_000);
    expect(reused!.routingSlot).toBe(0);
    expect(reused!.steps['listener-rule'].output?.priority).toBe(String(RULE_PRIORITY_BASE));
  });
});
