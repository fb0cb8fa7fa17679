# What the per-user gateway task definitions reference. The task definitions themselves are registered
# by the worker at run time (one family per user, openclaw-*), so none is declared here.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Confused-deputy guard: only tasks of this account may assume the roles.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# Execution role (EXECUTION_ROLE_ARN): the ECS agent pulls the image, writes logs and resolves the
# user's secret. It may read per-user secrets only, never the control plane's.
resource "aws_iam_role" "gateway_execution" {
  name               = "openclaw-gateway-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "gateway_execution" {
  role       = aws_iam_role.gateway_execution.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "gateway_execution_secrets" {
  statement {
    sid       = "ReadInstanceSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["arn:${local.partition}:secretsmanager:${var.aws_region}:${local.account_id}:secret:openclaw/instances/*"]
  }
}

resource "aws_iam_role_policy" "gateway_execution_secrets" {
  name   = "instance-secrets"
  role   = aws_iam_role.gateway_execution.id
  policy = data.aws_iam_policy_document.gateway_execution_secrets.json
}

# Task role (TASK_ROLE_ARN): what the user's own code may do in AWS. Nothing: the gateway runs untrusted,
# user-configured code, and any permission here would be every user's.
resource "aws_iam_role" "gateway_task" {
  name               = "openclaw-gateway-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_cloudwatch_log_group" "gateways" {
  name              = "/openclaw/gateways"
  retention_in_days = var.log_retention_days
}
