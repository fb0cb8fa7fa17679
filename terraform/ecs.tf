# The cluster of per-user gateways. The worker creates one service per user in it, placed through the
# capacity provider, so ECS (not the worker) decides when the ASG grows or shrinks.

resource "aws_ecs_cluster" "this" {
  name = var.cluster_name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_capacity_provider" "spot" {
  name = var.capacity_provider_name

  # Termination protection: ECS keeps instances that still run tasks out of scale-in (needs
  # protect_from_scale_in on the ASG). Managed draining: ECS moves an instance's tasks elsewhere before
  # the ASG terminates it (scale-in, rebalancing, Spot interruption), so users see a restart, not an outage.
  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.ecs.arn
    managed_termination_protection = "ENABLED"
    managed_draining               = "ENABLED"

    # target_capacity 100: no idle headroom; a new user waits for an instance only when all are full.
    managed_scaling {
      status                    = "ENABLED"
      target_capacity           = 100
      minimum_scaling_step_size = 1
      maximum_scaling_step_size = var.capacity_provider_max_step
      instance_warmup_period    = 300
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name = aws_ecs_cluster.this.name
  # The warm provider (warm-capacity.tf) is associated when created; the default stays spot-only.
  capacity_providers = concat([aws_ecs_capacity_provider.spot.name], aws_ecs_capacity_provider.warm[*].name)

  default_capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.spot.name
    weight            = 1
    base              = 0
  }

  lifecycle {
    # A replaced capacity provider cannot be deleted while still associated.
    replace_triggered_by = [aws_ecs_capacity_provider.spot, aws_ecs_capacity_provider.warm]
  }
}

# awsvpcTrunking: more task ENIs per instance on the types that support it ("a c5.large instance with
# awsvpcTrunking has an increased ENI limit of twelve ... ten tasks ... instead of the current two",
# docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-eni.html). An account-wide
# default, so opt-in; only instances launched afterwards get the trunk ENI.
resource "aws_ecs_account_setting_default" "awsvpc_trunking" {
  count = var.ecs_awsvpc_trunking ? 1 : 0

  name  = "awsvpcTrunking"
  value = "enabled"
}
