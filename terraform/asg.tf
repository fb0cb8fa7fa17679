# EC2 capacity for the gateways: Spot behind one on-demand instance, ECS-optimized AL2023.
#
# ENI density: every awsvpc task takes an ENI, and a .large instance has 3 (one for the host), so it runs
# at most 2 gateways whatever its memory, unless the account enables ENI trunking
# (aws ecs put-account-setting-default --name awsvpcTrunking --value enabled) for types that support it.
# That is an account-wide setting, so it is left to the operator rather than set here.

data "aws_ssm_parameter" "ecs_ami" {
  name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
}

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "ecs_instance" {
  name               = "openclaw-ecs-instance"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
}

resource "aws_iam_role_policy_attachment" "ecs_instance" {
  role       = aws_iam_role.ecs_instance.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "ecs_instance" {
  name = "openclaw-ecs-instance"
  role = aws_iam_role.ecs_instance.name
}

# The instances themselves accept nothing: the ALB talks to the tasks' own ENIs (SECURITY_GROUP_IDS).
resource "aws_security_group" "instances" {
  name        = "openclaw-ecs-instances"
  description = "ECS container instances (no inbound)"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_egress_rule" "instances_out" {
  security_group_id = aws_security_group.instances.id
  description       = "ECS agent, ECR, CloudWatch through the NAT"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

locals {
  # ECS_ENABLE_SPOT_INSTANCE_DRAINING: a Spot interruption notice drains the instance at once.
  # ECS_ENABLE_TASK_ENI: awsvpc mode, one ENI per task (the SG and subnet come from the worker's service).
  # ECS_AWSVPC_BLOCK_IMDS: users' containers must not reach the instance role through instance metadata.
  # ECS_IMAGE_PULL_BEHAVIOR=prefer-cached: tags are immutable, so a cached image is the right image.
  # ECS_WARM_POOLS_CHECK: an instance in a warm pool does not register until it leaves the pool (needed
  # by the warm group, harmless in the spot group: its instances go straight to InService).
  ecs_agent_config = <<-EOT
    ECS_CLUSTER=${var.cluster_name}
    ECS_ENABLE_SPOT_INSTANCE_DRAINING=true
    ECS_ENABLE_TASK_ENI=true
    ECS_AWSVPC_BLOCK_IMDS=true
    ECS_ENABLE_CONTAINER_METADATA=true
    ECS_IMAGE_PULL_BEHAVIOR=prefer-cached
    ECS_CONTAINER_STOP_TIMEOUT=30s
    ECS_WARM_POOLS_CHECK=true
  EOT
}

resource "aws_launch_template" "ecs" {
  name_prefix            = "openclaw-ecs-"
  image_id               = nonsensitive(data.aws_ssm_parameter.ecs_ami.value)
  vpc_security_group_ids = local.compute_public_ipv4 ? null : [aws_security_group.instances.id]
  update_default_version = true
  # The spot group's overrides replace it; the warm group (one on-demand type, no mixed policy) uses it.
  instance_type = var.instance_types[0]

  # nat_mode = "public": instances sit in the public subnets and reach the internet on their own address.
  dynamic "network_interfaces" {
    for_each = local.compute_public_ipv4 ? [1] : []
    content {
      associate_public_ip_address = true
      security_groups             = [aws_security_group.instances.id]
    }
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    cat >> /etc/ecs/ecs.config <<'CONFIG'
    ${local.ecs_agent_config}
    CONFIG
  EOT
  )

  iam_instance_profile {
    arn = aws_iam_instance_profile.ecs_instance.arn
  }

  # IMDSv2 only, and a hop limit of 1 so containers cannot relay requests to it.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = 30
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "openclaw-ecs" }
  }
}

# protect_from_scale_in: required by managed termination protection. capacity_rebalance: replace Spot
# instances at elevated interruption risk ahead of time; managed draining moves their tasks.
resource "aws_autoscaling_group" "ecs" {
  name                  = var.asg_name
  min_size              = var.asg_min_size
  max_size              = var.asg_max_size
  vpc_zone_identifier   = local.compute_subnet_ids
  protect_from_scale_in = true
  capacity_rebalance    = true

  mixed_instances_policy {
    # One on-demand instance always up; everything above it is Spot, from the deepest pools.
    instances_distribution {
      on_demand_base_capacity                  = 1
      on_demand_percentage_above_base_capacity = 0
      spot_allocation_strategy                 = "capacity-optimized"
    }

    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.ecs.id
        version            = "$Latest"
      }

      dynamic "override" {
        for_each = var.instance_types
        content {
          instance_type = override.value
        }
      }
    }
  }

  # The capacity provider adds this tag; declaring it keeps terraform from removing it.
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
