# The API and the worker, as Fargate services in their own cluster. Control-plane names avoid the
# openclaw- prefix the worker's IAM policy grants on (task definitions, target groups), and its own cluster
# keeps it out of the worker's ECS scope: the reconciler can never delete the platform it runs on.

locals {
  # The worker's environment. outputs.tf exports these same values under the same names, so an operator's
  # worker.env and the task definition cannot differ.
  worker_environment = {
    NODE_ENV           = "production"
    AWS_REGION         = var.aws_region
    REDIS_URL          = local.redis_url
    ALB_LISTENER_ARNS  = join(",", local.user_listener_arns)
    ALB_DNS_NAMES      = join(",", aws_lb.this[*].dns_name)
    ECS_CLUSTER        = aws_ecs_cluster.this.name
    CAPACITY_PROVIDER  = aws_ecs_capacity_provider.spot.name
    ASG_NAME           = aws_autoscaling_group.ecs.name
    VPC_ID             = aws_vpc.this.id
    SUBNET_IDS         = join(",", aws_subnet.private[*].id)
    SECURITY_GROUP_IDS = aws_security_group.tasks.id
    EXECUTION_ROLE_ARN = aws_iam_role.gateway_execution.arn
    TASK_ROLE_ARN      = aws_iam_role.gateway_task.arn
    GATEWAY_IMAGE      = "${aws_ecr_repository.gateway.repository_url}:${var.gateway_image_tag}"
    LOG_GROUP          = aws_cloudwatch_log_group.gateways.name
    HEALTH_FILE        = "/tmp/openclaw-worker.health"
    WEBHOOK_URLS       = join(",", var.webhook_urls)
    # Predictive scale-out's budget (0: off); SetDesiredCapacity is allowed on the group in control-plane-iam.tf.
    PREDICTIVE_MAX_EXTRA_INSTANCES = tostring(var.predictive_max_extra_instances)
  }

  api_environment = {
    NODE_ENV          = "production"
    HOST              = "0.0.0.0"
    PORT              = tostring(var.api_port)
    REDIS_URL         = local.redis_url
    ALB_LISTENER_ARNS = join(",", local.user_listener_arns)
    ALB_DNS_NAMES     = join(",", aws_lb.this[*].dns_name)
    # GET /v1/instances/{id}/logs reads the gateways' log group (IAM: data.aws_iam_policy_document.api).
    AWS_REGION = var.aws_region
    LOG_GROUP  = aws_cloudwatch_log_group.gateways.name
    # The ALB appends the caller's address to X-Forwarded-For; the signup rate limit keys on it.
    TRUSTED_PROXY_HOPS = "1"
    WEBHOOK_URLS       = join(",", var.webhook_urls)
    # The signup page; empty values count as unset (shared/config.ts), and the API refuses to start the
    # page in production without all of its settings.
    SIGNUP_PAGE = tostring(var.signup_page)
    PUBLIC_URL  = var.public_url
    MAIL_FROM   = var.mail_from
  }

  # Credentials reach the containers only as ECS secrets (resolved by the execution role at start).
  worker_secrets = {
    DATA_ENCRYPTION_KEY       = aws_secretsmanager_secret.control_plane["DATA_ENCRYPTION_KEY"].arn
    DEFAULT_ANTHROPIC_API_KEY = aws_secretsmanager_secret.control_plane["DEFAULT_ANTHROPIC_API_KEY"].arn
    WEBHOOK_SECRET            = aws_secretsmanager_secret.control_plane["WEBHOOK_SECRET"].arn
  }

  api_secrets = {
    API_TOKEN           = aws_secretsmanager_secret.control_plane["API_TOKEN"].arn
    ADMIN_PASSWORD      = aws_secretsmanager_secret.control_plane["ADMIN_PASSWORD"].arn
    DATA_ENCRYPTION_KEY = aws_secretsmanager_secret.control_plane["DATA_ENCRYPTION_KEY"].arn
    METRICS_TOKEN       = aws_secretsmanager_secret.control_plane["METRICS_TOKEN"].arn
    # The signup page's mail and link signing (read only while var.signup_page is true).
    SMTP_URL           = aws_secretsmanager_secret.control_plane["SMTP_URL"].arn
    SIGNUP_SIGNING_KEY = aws_secretsmanager_secret.control_plane["SIGNUP_SIGNING_KEY"].arn
  }
}

resource "aws_ecs_cluster" "control_plane" {
  name = "ocfleet-control-plane"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "control_plane" {
  name              = "/openclaw/control-plane"
  retention_in_days = var.log_retention_days
}

resource "aws_security_group" "control_plane" {
  name        = "ocfleet-control-plane"
  description = "API and worker tasks"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "control_plane_api_from_alb" {
  security_group_id            = aws_security_group.control_plane.id
  description                  = "API port from the ALBs"
  ip_protocol                  = "tcp"
  from_port                    = var.api_port
  to_port                      = var.api_port
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_egress_rule" "control_plane_out" {
  security_group_id = aws_security_group.control_plane.id
  description       = "AWS APIs through the NAT, and Redis"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "ocfleet-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = aws_iam_role.control_plane_execution.arn
  task_role_arn            = aws_iam_role.api_task.arn

  # Caught at plan time rather than by an API task that exits at boot (loadApiConfig) and restarts forever.
  lifecycle {
    precondition {
      condition     = !var.signup_page || (var.public_url != "" && var.mail_from != "")
      error_message = "signup_page = true needs public_url and mail_from (and the SMTP_URL and SIGNUP_SIGNING_KEY secrets)."
    }
  }

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name         = "api"
      image        = var.control_plane_image
      command      = var.api_command
      essential    = true
      portMappings = [{ containerPort = var.api_port, protocol = "tcp" }]
      environment  = [for name, value in local.api_environment : { name = name, value = value }]
      secrets      = [for name, arn in local.api_secrets : { name = name, valueFrom = arn }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.control_plane.name
          awslogs-region        = var.aws_region
          awslogs-stream-prefix = "api"
        }
      }
    },
  ])
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "ocfleet-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  execution_role_arn       = aws_iam_role.control_plane_execution.arn
  task_role_arn            = aws_iam_role.worker_task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # stopTimeout 30 s: longer than the worker's SHUTDOWN_TIMEOUT_MS (25 s), so running steps finish.
  container_definitions = jsonencode([
    {
      name        = "worker"
      image       = var.control_plane_image
      command     = var.worker_command
      essential   = true
      stopTimeout = 30
      environment = [for name, value in local.worker_environment : { name = name, value = value }]
      secrets     = [for name, arn in local.worker_secrets : { name = name, valueFrom = arn }]
      # The worker touches HEALTH_FILE every 10 s while its queues run; stale for 30 s means unhealthy.
      healthCheck = {
        command     = ["CMD", "node", "-e", "process.exit(Date.now()-require('fs').statSync(process.env.HEALTH_FILE).mtimeMs<30000?0:1)"]
        interval    = 15
        timeout     = 5
        retries     = 3
        startPeriod = 30
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.control_plane.name
          awslogs-region        = var.aws_region
          awslogs-stream-prefix = "worker"
        }
      }
    },
  ])
}

resource "aws_lb_target_group" "api" {
  name                 = "ocfleet-api"
  vpc_id               = aws_vpc.this.id
  target_type          = "ip"
  protocol             = "HTTP"
  port                 = var.api_port
  deregistration_delay = 30

  health_check {
    path                = var.api_health_check_path
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

# The API shares the first ALB's user listener. Its rules sit at low priority numbers reserved for the
# control plane: the worker allocates user-rule priorities from 1000 upward, so they never collide, and
# user paths (/{instanceId}/*) never shadow the API's. An ALB rule takes at most 5 path values, hence the
# chunks. These rules count against that ALB's 100-rule quota (ALB_QUOTA_MARGIN keeps room for them).
resource "aws_lb_listener_rule" "api" {
  count = length(local.api_path_chunks)

  listener_arn = local.user_listener_arns[0]
  priority     = var.control_plane_rule_priority + count.index

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }

  condition {
    path_pattern {
      values = local.api_path_chunks[count.index]
    }
  }
}

locals {
  api_path_chunks = chunklist(var.api_paths, 5)
}

resource "aws_ecs_service" "api" {
  name                   = "ocfleet-api"
  cluster                = aws_ecs_cluster.control_plane.id
  task_definition        = aws_ecs_task_definition.api.arn
  desired_count          = var.api_desired_count
  launch_type            = "FARGATE"
  enable_execute_command = false

  network_configuration {
    subnets          = local.compute_subnet_ids
    security_groups  = [aws_security_group.control_plane.id]
    assign_public_ip = local.compute_public_ipv4
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = var.api_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  depends_on = [aws_lb_listener_rule.api]
}

resource "aws_ecs_service" "worker" {
  name                   = "ocfleet-worker"
  cluster                = aws_ecs_cluster.control_plane.id
  task_definition        = aws_ecs_task_definition.worker.arn
  desired_count          = var.worker_desired_count
  launch_type            = "FARGATE"
  enable_execute_command = false

  network_configuration {
    subnets          = local.compute_subnet_ids
    security_groups  = [aws_security_group.control_plane.id]
    assign_public_ip = local.compute_public_ipv4
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
