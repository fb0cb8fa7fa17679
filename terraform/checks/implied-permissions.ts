/**
 * IAM actions that no SDK command names but that AWS authorizes alongside one. The worker's policy must
 * allow these when (and only when) the code sends the operation that implies them.
 */
export interface ImpliedPermission {
  action: string;
  impliedBy: readonly string[];
  why: string;
}

export const impliedPermissions: readonly ImpliedPermission[] = [
  {
    action: 'iam:PassRole',
    impliedBy: ['ecs:RegisterTaskDefinition'],
    why: 'a task definition that names an execution or task role passes that role to ECS',
  },
  {
    action: 'ecs:TagResource',
    impliedBy: ['ecs:CreateService', 'ecs:RegisterTaskDefinition'],
    why: 'tags given on create are authorized as ecs:TagResource (ecs:CreateAction condition)',
  },
  {
    action: 'elasticloadbalancing:AddTags',
    impliedBy: ['elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:CreateRule'],
    why: 'tags given on create are authorized as elasticloadbalancing:AddTags',
  },
  {
    action: 'secretsmanager:TagResource',
    impliedBy: ['secretsmanager:CreateSecret'],
    why: 'tags given on CreateSecret are authorized as secretsmanager:TagResource',
  },
];

/** The code's actions plus everything they imply. */
export function requiredActions(codeActions: ReadonlySet<string>): Set<string> {
  const required = new Set(codeActions);
  for (const implied of impliedPermissions) {
    if (implied.impliedBy.some((action) => codeActions.has(action))) required.add(implied.action);
  }
  return required;
}
