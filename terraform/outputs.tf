# Outputs named exactly like the worker's environment variables (shared/config.ts), with the values the
# worker's own task definition gets (local.worker_environment). An operator running the worker elsewhere
# writes them to an env file:
#
#   terraform output -raw worker_env > worker.env
#   # or, equivalently:
#   terraform output -json | jq -r 'to_entries[] | select(.key|test("^[A-Z_]+$")) | "\(.key)=\(.value.value)"' > worker.env
#
# Secrets (DATA_ENCRYPTION_KEY, DEFAULT_ANTHROPIC_API_KEY) are not outputs: read them from Secrets Manager.

output "AWS_REGION" {
  value = local.worker_environment.AWS_REGION
}

output "ECS_CLUSTER" {
  value = local.worker_environment.ECS_CLUSTER
}

output "CAPACITY_PROVIDER" {
  value = local.worker_environment.CAPACITY_PROVIDER
}

output "ASG_NAME" {
  value = local.worker_environment.ASG_NAME
}

output "ALB_LISTENER_ARNS" {
  description = "Comma-joined user listener of every ALB (HTTPS when a certificate is set)."
  value       = local.worker_environment.ALB_LISTENER_ARNS
}

output "ALB_DNS_NAMES" {
  description = "Comma-joined DNS names of the ALBs, in listener order."
  value       = local.worker_environment.ALB_DNS_NAMES
}

output "ALB_LISTENER_ARN" {
  description = "Single-ALB form: the first ALB's user listener."
  value       = local.user_listener_arns[0]
}

output "ALB_DNS_NAME" {
  description = "Single-ALB form: the first ALB's DNS name."
  value       = aws_lb.this[0].dns_name
}

output "VPC_ID" {
  value = local.worker_environment.VPC_ID
}

output "SUBNET_IDS" {
  description = "Comma-joined private subnets for gateway tasks."
  value       = local.worker_environment.SUBNET_IDS
}

output "SECURITY_GROUP_IDS" {
  description = "Security group of gateway tasks."
  value       = local.worker_environment.SECURITY_GROUP_IDS
}

output "EXECUTION_ROLE_ARN" {
  value = local.worker_environment.EXECUTION_ROLE_ARN
}

output "TASK_ROLE_ARN" {
  value = local.worker_environment.TASK_ROLE_ARN
}

output "GATEWAY_IMAGE" {
  description = "Gateway image pinned to gateway_image_tag (the repository's tags are immutable)."
  value       = local.worker_environment.GATEWAY_IMAGE
}

output "LOG_GROUP" {
  value = local.worker_environment.LOG_GROUP
}

output "REDIS_URL" {
  description = "TLS endpoint of the primary; reachable from control-plane tasks only."
  value       = local.worker_environment.REDIS_URL
}

# Lower-case outputs are for people, not for the env file.

output "worker_env" {
  description = "The worker's non-secret environment as KEY=value lines."
  value       = join("\n", [for name, value in local.worker_environment : "${name}=${value}"])
}

output "api_url" {
  description = "Where the API answers (first ALB)."
  value       = "${local.https_enabled ? "https" : "http"}://${aws_lb.this[0].dns_name}"
}

output "gateway_repository_url" {
  description = "Push gateway images here: docker push <url>:<tag>, then set gateway_image_tag."
  value       = aws_ecr_repository.gateway.repository_url
}

output "control_plane_secret_ids" {
  description = "Secrets to fill once with aws secretsmanager put-secret-value (see secrets.tf)."
  value       = { for name, secret in aws_secretsmanager_secret.control_plane : name => secret.name }
}
