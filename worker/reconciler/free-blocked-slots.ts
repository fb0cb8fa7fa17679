import type { Logger } from '../../shared/logger.js';
import { RULE_PRIORITY_BASE } from '../../shared/naming.js';
import type { ReconcileContext } from './reconcile-context.js';

/**
 * A routing slot is blocked for good when, at create time, another rule on the listener held its
 * priority (the listener-rule step moves the instance on). Once that rule is gone the slot is only lost
 * capacity: each blocked slot whose priority no rule holds in this run's scan is given back to the pool.
 * Should the priority be taken again later, the next create's PriorityInUse blocks the slot again.
 */
export async function freeBlockedSlots(
  ctx: ReconcileContext,
  prioritiesInUse: Map<string, Set<number>>,
  dryRun: boolean,
  log: Logger,
): Promise<{ found: number; freed: number }> {
  let found = 0;
  let freed = 0;
  for (const [listenerArn, taken] of prioritiesInUse) {
    for (const slot of await ctx.store.blockedSlots(listenerArn)) {
      const priority = RULE_PRIORITY_BASE + slot;
      if (taken.has(priority)) continue;
      found++;
      const fields = { listenerArn, slot, priority };
      if (dryRun) {
        log.info(fields, 'blocked routing slot has a free priority (dry run: left blocked)');
      } else if (await ctx.store.unblockSlot(listenerArn, slot)) {
        freed++;
        log.info(fields, 'blocked routing slot freed: its priority is free again');
      }
    }
  }
  return { found, freed };
}
