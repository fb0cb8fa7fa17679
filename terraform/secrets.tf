# The control plane's own credentials. Terraform creates the secrets but never their values, so no
# credential lands in terraform state. After the first apply, put each value once:
#
#   aws secretsmanager put-secret-value --secret-id openclaw/control-plane/api-token --secret-string "$(openssl rand -hex 32)"
#   aws secretsmanager put-secret-value --secret-id openclaw/control-plane/admin-password --secret-string "$(openssl rand -hex 16)"
#   aws secretsmanager put-secret-value --secret-id openclaw/control-plane/data-encryption-key --secret-string "$(openssl rand -base64 32)"
#   aws secretsmanager put-secret-value --secret-id openclaw/control-plane/default-anthropic-api-key --secret-string "sk-ant-..."
#   aws secretsmanager put-secret-value --secret-id openclaw/control-plane/metrics-token --secret-string "$(openssl rand -hex 32)"
#   aws secretsmanager put-secret-value --secret-id openclaw/control-plane/webhook-secret --secret-string "whsec_$(openssl rand -base64 32)"
#   aws secretsmanager put-secret-value --secret-id openclaw/control-plane/smtp-url --secret-string "smtps://user:pass@smtp.example.com:465"
#   aws secretsmanager put-secret-value --secret-id openclaw/control-plane/signup-signing-key --secret-string "$(openssl rand -hex 32)"
#
# Prometheus scrapes /metrics on the API tasks from inside the VPC with METRICS_TOKEN as its bearer
# token; the ALB does not route /metrics (see api_paths).
# The names sit outside openclaw/instances/*, the only prefix the worker and the gateways may touch.

locals {
  control_plane_secret_names = ["API_TOKEN", "ADMIN_PASSWORD", "DATA_ENCRYPTION_KEY", "DEFAULT_ANTHROPIC_API_KEY", "METRICS_TOKEN", "WEBHOOK_SECRET", "SMTP_URL", "SIGNUP_SIGNING_KEY"]
}

resource "aws_secretsmanager_secret" "control_plane" {
  for_each = toset(local.control_plane_secret_names)

  name                    = "openclaw/control-plane/${lower(replace(each.key, "_", "-"))}"
  description             = "OpenClaw Fleet control plane: ${each.key}"
  recovery_window_in_days = 7
}
