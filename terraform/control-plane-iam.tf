# Roles of the control plane. The worker's task role allows exactly the AWS actions the worker code sends
# (terraform.test.ts derives that set from worker/ and shared/ and compares), scoped to the gateway
# cluster, openclaw-* task definitions and target groups, the ALBs' listeners and openclaw/instances/*.

locals {
  arn_prefix_ecs     = "arn:${local.partition}:ecs:${var.aws_region}:${local.account_id}"
  arn_prefix_elb     = "arn:${local.partition}:elasticloadbalancing:${var.aws_region}:${local.account_id}"
  instance_secrets   = "arn:${local.partition}:secretsmanager:${var.aws_region}:${local.account_id}:secret:openclaw/instances/*"
  gateway_task_defs  = "${local.arn_prefix_ecs}:task-definition/openclaw-*:*"
  gateway_services   = "${local.arn_prefix_ecs}:service/${var.cluster_name}/*"
  user_target_groups = "${local.arn_prefix_elb}:targetgroup/openclaw-*/*"
  # listener/app/<lb>/<lb-id>/<listener-id> -> listener-rule/app/<lb>/<lb-id>/<listener-id>/*
  user_listener_rules = [for arn in local.user_listener_arns : "${replace(arn, ":listener/", ":listener-rule/")}/*"]
}

# Execution role of the API and worker tasks: pull the image, write logs, resolve their four secrets.
resource "aws_iam_role" "control_plane_execution" {
  name               = "ocfleet-control-plane-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "control_plane_execution" {
  role       = aws_iam_role.control_plane_execution.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "control_plane_execution_secrets" {
  statement {
    sid       = "ReadControlPlaneSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [for secret in aws_secretsmanager_secret.control_plane : secret.arn]
  }
}

resource "aws_iam_role_policy" "control_plane_execution_secrets" {
  name   = "control-plane-secrets"
  role   = aws_iam_role.control_plane_execution.id
  policy = data.aws_iam_policy_document.control_plane_execution_secrets.json
}

# The API talks to Redis, and reads AWS for one route only: GET /v1/instances/{id}/logs (FilterLogEvents
# on the gateway log group, and each instance's own secret, to redact it). terraform.test.ts checks that this
# policy equals what api/ calls.
resource "aws_iam_role" "api_task" {
  name               = "ocfleet-api-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "api" {
  # The log-group resource type; the ":*" form is the one older policies and the console use for it.
  statement {
    sid       = "ReadGatewayLogs"
    actions   = ["logs:FilterLogEvents"]
    resources = [aws_cloudwatch_log_group.gateways.arn, "${aws_cloudwatch_log_group.gateways.arn}:*"]
  }

  statement {
    sid       = "ReadInstanceSecretsToRedact"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.instance_secrets]
  }
}

resource "aws_iam_role_policy" "api" {
  name   = "openclaw-api"
  role   = aws_iam_role.api_task.id
  policy = data.aws_iam_policy_document.api.json
}

resource "aws_iam_role" "worker_task" {
  name               = "ocfleet-worker-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "worker" {
  # These actions do not support resource-level permissions: the Service Authorization Reference lists
  # no resource type for them, so "*" is the only valid Resource. All are reads except Register/Deregister,
  # whose families the worker names openclaw-*; DescribeCapacityProviders is read-only.
  statement {
    sid = "EcsUnscoped"
    actions = [
      "ecs:RegisterTaskDefinition",
      "ecs:DeregisterTaskDefinition",
      "ecs:DescribeTaskDefinition",
      "ecs:ListTaskDefinitions",
      "ecs:ListTaskDefinitionFamilies",
      "ecs:DescribeCapacityProviders",
    ]
    resources = ["*"]
  }

  # List calls take the cluster as a condition, not as a resource.
  statement {
    sid       = "EcsListInGatewayCluster"
    actions   = ["ecs:ListServices", "ecs:ListTasks"]
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.this.arn]
    }
  }

  statement {
    sid       = "EcsGatewayCluster"
    actions   = ["ecs:ListContainerInstances"]
    resources = [aws_ecs_cluster.this.arn]
  }

  statement {
    sid = "EcsGatewayServices"
    actions = [
      "ecs:CreateService",
      "ecs:DescribeServices",
      "ecs:UpdateService",
      "ecs:DeleteService",
    ]
    resources = [local.gateway_services]
  }

  statement {
    sid       = "EcsGatewayTasks"
    actions   = ["ecs:DescribeTasks"]
    resources = ["${local.arn_prefix_ecs}:task/${var.cluster_name}/*"]
  }

  statement {
    sid       = "EcsGatewayContainerInstances"
    actions   = ["ecs:DescribeContainerInstances"]
    resources = ["${local.arn_prefix_ecs}:container-instance/${var.cluster_name}/*"]
  }

  statement {
    sid       = "EcsDeleteGatewayTaskDefinitions"
    actions   = ["ecs:DeleteTaskDefinitions"]
    resources = [local.gateway_task_defs]
  }

  # The reconciler reads the openclaw:instance-id tag of a service or task definition before deleting it.
  statement {
    sid       = "EcsReadGatewayTags"
    actions   = ["ecs:ListTagsForResource"]
    resources = [local.gateway_services, local.gateway_task_defs]
  }

  # Implied by CreateService/RegisterTaskDefinition with tags; allowed only as part of those calls.
  statement {
    sid       = "EcsTagOnCreate"
    actions   = ["ecs:TagResource"]
    resources = [local.gateway_services, local.gateway_task_defs]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["CreateService", "RegisterTaskDefinition"]
    }
  }

  # Implied by RegisterTaskDefinition: the task definitions name the two gateway roles.
  statement {
    sid       = "PassGatewayRoles"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.gateway_execution.arn, aws_iam_role.gateway_task.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  # Describe* calls of ELBv2 support no resource-level permissions.
  statement {
    sid = "ElbDescribe"
    actions = [
      "elasticloadbalancing:DescribeTargetGroups",
      "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:DescribeRules",
      "elasticloadbalancing:DescribeTags",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ElbUserTargetGroups"
    actions   = ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup"]
    resources = [local.user_target_groups]
  }

  statement {
    sid       = "ElbCreateRuleOnUserListeners"
    actions   = ["elasticloadbalancing:CreateRule"]
    resources = local.user_listener_arns
  }

  statement {
    sid       = "ElbDeleteRuleOnUserListeners"
    actions   = ["elasticloadbalancing:DeleteRule"]
    resources = local.user_listener_rules
  }

  # Implied by CreateTargetGroup/CreateRule with tags; allowed only as part of those calls.
  statement {
    sid       = "ElbTagOnCreate"
    actions   = ["elasticloadbalancing:AddTags"]
    resources = concat([local.user_target_groups], local.user_listener_rules)

    condition {
      test     = "StringEquals"
      variable = "elasticloadbalancing:CreateAction"
      values   = ["CreateTargetGroup", "CreateRule"]
    }
  }

  # The API's own rules share the first listener: the worker may never delete them.
  statement {
    sid       = "DenyControlPlaneRules"
    effect    = "Deny"
    actions   = ["elasticloadbalancing:DeleteRule"]
    resources = aws_lb_listener_rule.api[*].arn
  }

  statement {
    sid = "InstanceSecrets"
    actions = [
      "secretsmanager:CreateSecret",
      "secretsmanager:DescribeSecret",
      "secretsmanager:DeleteSecret",
      "secretsmanager:PutSecretValue",
      "secretsmanager:RestoreSecret",
      # The reachability gate reads the gateway token back (Redis keeps no copy once the secret exists).
      "secretsmanager:GetSecretValue",
    ]
    resources = [local.instance_secrets]
  }

  # Implied by CreateSecret with tags.
  statement {
    sid       = "InstanceSecretsTagOnCreate"
    actions   = ["secretsmanager:TagResource"]
    resources = [local.instance_secrets]
  }

  statement {
    sid       = "ListSecrets"
    actions   = ["secretsmanager:ListSecrets"]
    resources = ["*"]
  }

  statement {
    sid       = "AutoScalingDescribe"
    actions   = ["autoscaling:DescribeAutoScalingGroups"]
    resources = ["*"]
  }

  # Predictive scale-out (PREDICTIVE_MAX_EXTRA_INSTANCES > 0) raises the gateway groups' desired capacity.
  statement {
    sid       = "AutoScalingScaleOutAhead"
    actions   = ["autoscaling:SetDesiredCapacity"]
    resources = [aws_autoscaling_group.ecs.arn]
  }

  statement {
    sid       = "FleetPricesAndLifecycle"
    actions   = ["ec2:DescribeInstances", "ec2:DescribeSpotPriceHistory"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "worker" {
  name   = "openclaw-worker"
  role   = aws_iam_role.worker_task.id
  policy = data.aws_iam_policy_document.worker.json
}
