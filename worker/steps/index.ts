import { STEP_IDS, type StepId } from '../../shared/domain.js';
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

type UndoStep = Step & { undo: NonNullable<Step['undo']> };

/**
 * The delete saga's order. The service first: its tasks are what reads the secret (at container start)
 * and what the target group routes to. The secret right after, as soon as nothing can read it (its undo
 * checks that the service starts no task again): the credentials do not wait for the rule, the target
 * group or housekeeping. Then the rule before the target group it forwards to (a group still in use
 * cannot go), and last the task-definition revisions, housekeeping that never blocks the delete.
 */
const UNDO_ORDER: readonly StepId[] = [
  'service',
  'secret',
  'listener-rule',
  'target-group',
  'task-definition',
];

export const undoSteps: readonly UndoStep[] = UNDO_ORDER.map((id) => {
  const step = createSteps.find((s) => s.id === id);
  if (!step?.undo) throw new Error(`worker/steps/index.ts: step ${id} has no undo`);
  return step as UndoStep;
});

if (createSteps.some((s) => s.undo && !UNDO_ORDER.includes(s.id))) {
  throw new Error('worker/steps/index.ts: every step with an undo must be in UNDO_ORDER');
}
