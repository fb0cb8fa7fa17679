# alb_count internet-facing ALBs. Each ALB holds at most 100 target groups and 100 listener rules, so the
# worker spreads users over all of them (ALB_LISTENER_ARNS). Users route by path: /{instanceId}/*.

locals {
  https_enabled = var.certificate_arn != null
  # The listener that carries the user rules: HTTPS when a certificate is given, else HTTP.
  user_listener_arns = local.https_enabled ? aws_lb_listener.https[*].arn : aws_lb_listener.http[*].arn
}

resource "aws_security_group" "alb" {
  name        = "openclaw-alb"
  description = "Internet-facing ALBs of the gateways and the API"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from anywhere (404 or redirect to HTTPS)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from anywhere"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "alb_to_gateways" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To gateway tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.gateway_port
  to_port                      = var.gateway_port
  referenced_security_group_id = aws_security_group.tasks.id
}

resource "aws_vpc_security_group_egress_rule" "alb_to_api" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To API tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.api_port
  to_port                      = var.api_port
  referenced_security_group_id = aws_security_group.control_plane.id
}

# Gateway tasks (SECURITY_GROUP_IDS): reachable only from the ALBs, on the gateway port. Users' containers
# share instances, so nothing else (not even another gateway) may connect to them.
resource "aws_security_group" "tasks" {
  name        = "openclaw-gateway-tasks"
  description = "Per-user gateway tasks (awsvpc ENIs)"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "Gateway port from the ALBs only"
  ip_protocol                  = "tcp"
  from_port                    = var.gateway_port
  to_port                      = var.gateway_port
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_egress_rule" "tasks_out" {
  security_group_id = aws_security_group.tasks.id
  description       = "Model APIs, ECR and Secrets Manager through the NAT"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_lb" "this" {
  count = var.alb_count

  name                       = "openclaw-alb-${count.index + 1}"
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.alb.id]
  subnets                    = aws_subnet.public[*].id
  idle_timeout               = var.alb_idle_timeout
  drop_invalid_header_fields = true
}

resource "aws_lb_listener" "http" {
  count = var.alb_count

  load_balancer_arn = aws_lb.this[count.index].arn
  port              = 80
  protocol          = "HTTP"

  # Plain HTTP only when asked for: without a certificate the API token, the admin password, users'
  # Anthropic keys and gateway tokens would all cross the internet unencrypted.
  lifecycle {
    precondition {
      condition     = var.certificate_arn != null || var.allow_plain_http
      error_message = "Set certificate_arn (an ACM certificate), or allow_plain_http = true for a test stack."
    }
  }

  # Unmatched paths get a plain 404; with a certificate, everything moves to HTTPS.
  default_action {
    type = local.https_enabled ? "redirect" : "fixed-response"

    dynamic "fixed_response" {
      for_each = local.https_enabled ? [] : [1]
      content {
        content_type = "text/plain"
        message_body = "Not found"
        status_code  = "404"
      }
    }

    dynamic "redirect" {
      for_each = local.https_enabled ? [1] : []
      content {
        protocol    = "HTTPS"
        port        = "443"
        status_code = "HTTP_301"
      }
    }
  }
}

resource "aws_lb_listener" "https" {
  count = local.https_enabled ? var.alb_count : 0

  load_balancer_arn = aws_lb.this[count.index].arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }
}
