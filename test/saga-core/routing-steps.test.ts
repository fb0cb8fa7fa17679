import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { failsForGood, jobRun, useSagaWorld } from './saga-bench.js';

/**
 * The target-group and listener-rule steps beyond the first run: a group of this name made meanwhile
 * (DuplicateTargetGroupName) read back, every priority taken, and undos without a checkpoint (a crash
 * between the create and it) or whose checkpointed rule is already gone.
 */
describe('target-group and listener-rule steps: their other paths', () => {
  const w = useSagaWorld();

  const unsupported = (operation: string) => ({ rules: [{ operation, errorRate: 1, error: 'unsupported' }] });

  async function running() {
    const { id } = await w.submit();
    await w.createUntilDone(id);
    const record = (await w.store.get(id))!;
    await w.resetCalls();
    return record;
  }

  /** A group of the instance's name with other settings, as an attempt that crashed might have left. */
  const otherGroup = (id: string) =>
    w.ctx.aws.elbv2.send(
      new CreateTargetGroupCommand({
        Name: `openclaw-${id}`,
        Protocol: 'HTTP',
        Port: 9090,
        TargetType: 'ip',
        VpcId: w.config.VPC_ID,
      }),
    );

  it('a target group of this name made meanwhile (DuplicateTargetGroupName) is read back and used', async () => {
    const { id } = await w.submit();
    w.before.set('CreateTargetGroup', async () => {
      await otherGroup(id);
    });
    const run = jobRun();
    while ((await w.store.get(id))!.steps['target-group'].state !== 'done') await w.create(id, run);
    const { TargetGroups } = await w.ctx.aws.elbv2.send(
      new DescribeTargetGroupsCommand({ Names: [`openclaw-${id}`] }),
    );
    const arn = TargetGroups?.[0]?.TargetGroupArn;
    expect((await w.store.get(id))!.steps['target-group'].output).toEqual({ targetGroupArn: arn });
    expect(run.notes).toContain(`target group ${arn} found`);
  });

  it('a read-back after DuplicateTargetGroupName that fails names DescribeTargetGroups', async () => {
    const { id } = await w.submit();
    w.before.set('CreateTargetGroup', async () => {
      await otherGroup(id);
      await w.inspect('faults', unsupported('elasticloadbalancing:DescribeTargetGroups'));
    });
    await expect(w.create(id)).rejects.toThrow();
    expect((await w.store.get(id))!.error).toMatchObject({
      step: 'target-group',
      message: expect.stringMatching(/^DescribeTargetGroups: \S/),
    });
  });

  it('every priority taken: five slots tried, then the job backs off (PriorityInUse)', async () => {
    const { id } = await w.submit();
    const record = (await w.store.get(id))!;
    // Someone else's rule takes each priority just before this instance's CreateRule asks for it.
    const takeNext = async () => {
      const asked = Number(w.inputsOf('CreateRule').at(-1)!.Priority);
      await w.ctx.aws.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: record.listenerArn,
          Priority: asked,
          Conditions: [
            { Field: 'path-pattern', PathPatternConfig: { Values: [`/someone-else-${asked}/*`] } },
          ],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        }),
      );
      w.before.set('CreateRule', takeNext);
    };
    w.before.set('CreateRule', takeNext);
    const run = jobRun();
    let outcome = await w.create(id, run).catch((error: Error) => error);
    while (!(outcome instanceof Error) && (await w.store.get(id))!.currentStep !== 'listener-rule')
      outcome = await w.create(id, run).catch((error: Error) => error);
    expect(String(outcome)).toMatch(/no free priority after 5 tries/);
    const priorities = w.inputsOf('CreateRule').map((i) => i.Priority);
    // Five of ours, each followed by the one that took it.
    expect(priorities.filter((_p, i) => i % 2 === 0)).toHaveLength(5);
    expect(new Set(priorities).size).toBe(5);
    expect(run.notes.filter((n) => n.includes('in use on the listener: moved to slot'))).toHaveLength(5);
    expect((await w.store.get(id))!.steps['listener-rule'].lastError?.code).toBe('PriorityInUse');
    w.before.delete('CreateRule');
  });

  it('a target group without a checkpoint (a crash before it) is found by name and deleted', async () => {
    const record = await running();
    const arn = record.steps['target-group'].output!.targetGroupArn;
    const { output: _output, ...withoutOutput } = record.steps['target-group'];
    await w.store.recordStep(record.id, 'target-group', withoutOutput, 'running');
    await w.delete(record.id);
    expect(w.inputsOf('DeleteTargetGroup')).toEqual([{ TargetGroupArn: arn }]);
    expect(w.inputsOf('DescribeTargetGroups')).toContainEqual({ Names: [`openclaw-${record.id}`] });
  });

  it('a rule without a checkpoint is found on the listener by what it does, and deleted', async () => {
    const record = await running();
    const ruleArn = record.steps['listener-rule'].output!.ruleArn;
    const { output: _output, ...withoutOutput } = record.steps['listener-rule'];
    await w.store.recordStep(record.id, 'listener-rule', withoutOutput, 'running');
    const run = jobRun();
    await w.delete(record.id, run);
    expect(w.inputsOf('DeleteRule')).toEqual([{ RuleArn: ruleArn }]);
    expect(run.notes).toContain('delete listener-rule: removed');
  });

  it('a checkpointed rule already deleted by hand: looked for on the listener, found gone', async () => {
    const record = await running();
    const ruleArn = record.steps['listener-rule'].output!.ruleArn;
    await w.ctx.aws.elbv2.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
    await w.resetCalls();
    const run = jobRun();
    await w.delete(record.id, run);
    const calls = await w.calls();
    const at = calls.indexOf('DeleteRule');
    expect(calls.slice(at, at + 3)).toEqual(['DeleteRule', 'DescribeTargetGroups', 'DescribeRules']);
    expect(calls.filter((c) => c === 'DeleteRule')).toHaveLength(1);
    expect(run.notes).toContain('delete listener-rule: already gone');
  });

  it('a priority taken on a listener with no other free slot fails the instance (NoRoutingSlot)', async () => {
    // One routing slot per listener: the one the instance holds.
    await w.restart({ ALB_RULES_PER_LISTENER: '1', ALB_QUOTA_MARGIN: '0' });
    const { id } = await w.submit();
    const record = (await w.store.get(id))!;
    w.before.set('CreateRule', async () => {
      await w.ctx.aws.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: record.listenerArn,
          Priority: 1000 + record.routingSlot,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/someone-else/*'] } }],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        }),
      );
    });
    let outcome = await w.create(id).catch((error: Error) => error);
    while (!(outcome instanceof Error)) outcome = await w.create(id).catch((error: Error) => error);
    expect(outcome).toEqual(failsForGood('listener-rule', 'NoRoutingSlot'));
    expect((await w.store.get(id))!.error).toEqual({
      step: 'listener-rule',
      code: 'NoRoutingSlot',
      message: `priority ${1000 + record.routingSlot} is taken on ${record.listenerArn} and the listener has no free routing slot`,
    });
  });
});
