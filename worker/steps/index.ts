import { STEP_IDS } from '../../shared/domain.js';
import { listenerRuleStep } from './listener-rule.js';
import { placementStep } from './placement.js';
import { reachableStep } from './reachable.js';
import { secretStep } from './secret.js';
import { serviceStep } from './service.js';
import type { Step } from './step.js';
import { targetGroupStep } from './target-group.js';
import { taskDefinitionStep } from './task-definition.js';

/** The create saga's steps, in order. Checked against STEP_IDS (the persisted contract) at load. */
export const createSteps: readonly Step[] = [
  secretStep,
  taskDefinitionStep,
  targetGroupStep,
  listenerRuleStep,
  serviceStep,
  placementStep,
  reachableStep,
];

if (createSteps.map((s) => s.id).join() !== STEP_IDS.join()) {
  throw new Error('worker/steps/index.ts: the step order must equal STEP_IDS in shared/domain.ts');
}

/** The delete saga: every step that made something, undone in reverse order. */
export const undoSteps: readonly (Step & { undo: NonNullable<Step['undo']> })[] = [...createSteps]
  .reverse()
  .filter((s): s is Step & { undo: NonNullable<Step['undo']> } => typeof s.undo === 'function');
