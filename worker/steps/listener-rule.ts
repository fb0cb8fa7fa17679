import { CreateRuleCommand, DeleteRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsErrorCode } from '../../shared/errors/classify-aws-error.js';
import { RULE_PRIORITY_BASE, resourceNames } from '../../shared/naming.js';
import { awsCall } from '../aws/aws-call.js';
import { findInstanceRule } from '../aws/find-instance-rule.js';
import { fatal, retryable } from '../errors/classified-error.js';
import { done, outputOf, type Step } from './step.js';
import { checkpointOf } from './step-outputs.js';
import { upperTags } from './tags.js';
import { findTargetGroup } from './target-group.js';

/** How often one run takes a new slot after PriorityInUse before handing over to the job's backoff. */
const PRIORITY_TRIES = 5;

/**
 * Listener rule: `/<id>` and `/<id>/*` forward to the target group, on the listener the routing pool
 * assigned. The priority is RULE_PRIORITY_BASE + the instance's routing slot, which the store hands out
 * atomically, so concurrent workers never pick the same one; a priority taken by anything else on the
 * listener (PriorityInUse) blocks that slot and takes the next free one.
 */
export const listenerRuleStep: Step<'listener-rule'> = {
  id: 'listener-rule',

  async run(ctx, input) {
    const targetGroupArn = outputOf(input, 'target-group').targetGroupArn;
    const { instance } = input;
    const { basePath, rulePath } = resourceNames(instance.id);
    // The look-up reads every rule on the listener (up to 100, as XML): skipped when none can be ours yet.
    const existing = input.firstRun
      ? null
      : await findInstanceRule(ctx, instance.listenerArn, instance.id, targetGroupArn);
    if (existing?.RuleArn) {
      await ctx.note(`listener rule ${existing.RuleArn} found at priority ${existing.Priority}`);
      return done({ ruleArn: existing.RuleArn, priority: existing.Priority ?? '' });
    }
    let current = instance;
    for (let tries = 0; tries < PRIORITY_TRIES; tries++) {
      const priority = RULE_PRIORITY_BASE + current.routingSlot;
      let taken = false;
      const created = await awsCall('create', 'CreateRule', async () => {
        try {
          return await ctx.aws.elbv2.send(
            new CreateRuleCommand({
              ListenerArn: current.listenerArn,
              Priority: priority,
              Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [basePath, rulePath] } }],
              Actions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
              Tags: upperTags(instance.id),
            }),
          );
        } catch (error) {
          if (awsErrorCode(error) !== 'PriorityInUse') throw error;
          taken = true;
          return null;
        }
      });
      if (!taken && created.ok && created.value?.Rules?.[0]?.RuleArn) {
        const ruleArn = created.value.Rules[0].RuleArn;
        await ctx.note(`listener rule ${ruleArn} created at priority ${priority}`);
        return done({ ruleArn, priority: String(priority) });
      }
      if (!taken) throw retryable('NoRuleArn', 'CreateRule answered without a rule');
      const slot = await ctx.store.reassignRoutingSlot(current);
      if (slot < 0) {
        throw fatal(
          'NoRoutingSlot',
          `priority ${priority} is taken on ${current.listenerArn} and the listener has no free routing slot`,
        );
      }
      ctx.log.warn({ priority, slot }, 'rule priority taken by another rule: moved to a new slot');
      await ctx.note(`priority ${priority} in use on the listener: moved to slot ${slot}`);
      current = { ...current, routingSlot: slot };
    }
    throw retryable('PriorityInUse', `no free priority after ${PRIORITY_TRIES} tries`);
  },

  /**
   * The checkpointed rule is deleted by its ARN (one call, no scan of the listener's rules). Without a
   * checkpoint (a create that crashed between CreateRule and it), or when that ARN is already gone, the
   * rule is looked for on the listener by what it does, as a create's look-up would.
   */
  async undo(ctx, instance) {
    if (!instance.listenerArn) return 'absent';
    const checkpointed = checkpointOf(instance, 'listener-rule')?.ruleArn;
    if (checkpointed) {
      const deleted = await awsCall('delete', 'DeleteRule', () =>
        ctx.aws.elbv2.send(new DeleteRuleCommand({ RuleArn: checkpointed })),
      );
      if (deleted.ok) return 'deleted';
    }
    const targetGroupArn = await findTargetGroup(ctx, resourceNames(instance.id).targetGroupName);
    const rule = await findInstanceRule(ctx, instance.listenerArn, instance.id, targetGroupArn, 'delete');
    if (!rule?.RuleArn) return 'absent';
    const ruleArn = rule.RuleArn;
    const deleted = await awsCall('delete', 'DeleteRule', () =>
      ctx.aws.elbv2.send(new DeleteRuleCommand({ RuleArn: ruleArn })),
    );
    return deleted.ok ? 'deleted' : 'absent';
  },
};
