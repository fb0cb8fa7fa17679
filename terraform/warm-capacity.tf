# Warm capacity (issue 16): an on-demand group with a warm pool, behind a second capacity provider.
#
# AWS does not allow a warm pool on the spot group: "This operation cannot be called on an Auto Scaling
# group that has a mixed instances policy or a launch template or launch configuration that requests
# Spot Instances" (PutWarmPool, EC2 Auto Scaling API reference). So the pool lives in its own group of
# one on-demand type, launched from the same template, with its own capacity provider. Tasks reach it
# only through a service's capacity provider strategy; the cluster's default stays spot-only.
#
# Off by default (warm_pool_size = 0): nothing here is created. The cost and latency argument, and the
# simulation that decides the default, are in localcloud/README.md ("Warm capacity").

locals {
  warm_capacity = var.warm_pool_size > 0
}

resource "aws_autoscaling_group" "warm" {
  count = local.warm_capacity ? 1 : 0

  name                  = var.warm_asg_name
  min_size              = 0
  max_size              = var.asg_max_size
  vpc_zone_identifier   = local.compute_subnet_ids
  protect_from_scale_in = true

  launch_template {
    id      = aws_launch_template.ecs.id
    version = "$Latest"
  }

  # A fixed pool: MinSize = MaxGroupPreparedCapacity is the one setting AWS keeps at an absolute size.
  # Stopped instances bill their EBS volume only. ReuseOnScaleIn is left off: ECS does not allow it.
  warm_pool {
    pool_state                  = var.warm_pool_state
    min_size                    = var.warm_pool_size
    max_group_prepared_capacity = var.warm_pool_size
  }

  tag {
    key                 = "AmazonECSManaged"
    value               = true
    propagate_at_launch = true
  }

  lifecycle {
    # ECS managed scaling owns desired_capacity.
    ignore_changes = [desired_capacity]
  }
}

resource "aws_ecs_capacity_provider" "warm" {
  count = local.warm_capacity ? 1 : 0

  name = var.warm_capacity_provider_name

  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.warm[0].arn
    managed_termination_protection = "ENABLED"
    managed_draining               = "ENABLED"

    managed_scaling {
      status                    = "ENABLED"
      target_capacity           = 100
      minimum_scaling_step_size = 1
      maximum_scaling_step_size = var.capacity_provider_max_step
      instance_warmup_period    = 300
    }
  }
}
