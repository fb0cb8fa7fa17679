# Defaults are the seed's values (shared/seed/ECS-EC2-ARCHITECTURE.md).

variable "aws_region" {
  description = "AWS region of the platform."
  type        = string
  default     = "us-west-2"
}

variable "availability_zones" {
  description = "Two AZs for the subnets; empty picks the region's first two."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.availability_zones) == 0 || length(var.availability_zones) == 2
    error_message = "Give exactly two availability zones, or none."
  }
}

variable "tags" {
  description = "Extra tags on every resource."
  type        = map(string)
  default     = {}
}

# --- network ---

variable "vpc_cidr" {
  description = "CIDR of the VPC; subnets are carved from it."
  type        = string
  default     = "10.40.0.0/16"
}

variable "nat_mode" {
  description = "Egress of the private subnets: \"gateway\" (a managed NAT gateway, the seed: $0.045/h + $0.045/GB), \"instance\" (a NAT instance: its hourly price only, no per-GB charge, patched by us), or \"public\" (instances and control-plane tasks in the public subnets with a public IPv4 each, no NAT; awsvpc gateway tasks on EC2 get no public IP, so they then need bridge networking). /v1/cost/options prices each."
  type        = string
  default     = "gateway"

  validation {
    condition     = contains(["gateway", "instance", "public"], var.nat_mode)
    error_message = "nat_mode must be \"gateway\", \"instance\" or \"public\"."
  }
}

variable "nat_gateway_per_az" {
  description = "One NAT (gateway or instance) per AZ (no cross-AZ dependency) instead of one shared NAT (the seed's cost model)."
  type        = bool
  default     = false
}

variable "nat_instance_type" {
  description = "Instance type of the NAT instance(s) when nat_mode = \"instance\" (Graviton: the AMI is arm64)."
  type        = string
  default     = "t4g.nano"
}

variable "ecs_awsvpc_trunking" {
  description = "Turn on the awsvpcTrunking ECS account setting (account-wide default, instances launched afterwards): supported instance types then hold more awsvpc tasks (c5.large: 10 instead of 2). Off by default because it changes the whole account."
  type        = bool
  default     = false
}

# --- load balancers ---

variable "alb_count" {
  description = "Number of ALBs users are spread over; each ALB holds at most 100 target groups and 100 listener rules."
  type        = number
  default     = 1

  validation {
    condition     = var.alb_count >= 1 && floor(var.alb_count) == var.alb_count
    error_message = "alb_count must be a whole number of at least 1."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for the HTTPS listeners. Required unless allow_plain_http = true: tokens, passwords and users' API keys cross these listeners."
  type        = string
  default     = null
}

variable "allow_plain_http" {
  description = "Serve HTTP only, without a certificate: for a throwaway test stack, never for real users."
  type        = bool
  default     = false
}

variable "webhook_urls" {
  description = "Endpoints of the signup backend that receive signed lifecycle webhooks (WEBHOOK_URLS); none when empty."
  type        = list(string)
  default     = []
}

# --- The signup page (api/signup/) ---

variable "signup_page" {
  description = "Serve the self-service signup page (SIGNUP_PAGE). It mails sign-in links: needs public_url, mail_from and the SMTP_URL and SIGNUP_SIGNING_KEY secrets."
  type        = bool
  default     = false
}

variable "public_url" {
  description = "Address users reach the API at, e.g. https://fleet.example.com (PUBLIC_URL): the origin of the links the signup page mails; empty when signup_page is off."
  type        = string
  default     = ""

  validation {
    condition     = var.public_url == "" || can(regex("^https?://[^/?#\\s]+(/[^?#\\s]*)?$", var.public_url))
    error_message = "public_url must be an http(s) URL such as https://fleet.example.com, or empty."
  }
}

variable "mail_from" {
  description = "Sender address of the signup page's mails, e.g. \"OpenClaw <signup@example.com>\" (MAIL_FROM); empty when signup_page is off."
  type        = string
  default     = ""

  validation {
    condition     = var.mail_from == "" || (length(var.mail_from) >= 3 && length(var.mail_from) <= 254)
    error_message = "mail_from must be 3-254 characters (an address, optionally with a display name), or empty."
  }
}

variable "alb_idle_timeout" {
  description = "ALB idle timeout in seconds; gateways hold long-lived WebSocket connections."
  type        = number
  default     = 3600
}

# --- ECS on EC2 (the gateways) ---

variable "cluster_name" {
  description = "ECS cluster that runs the per-user gateways."
  type        = string
  default     = "openclaw-cluster"
}

variable "capacity_provider_name" {
  description = "ASG capacity provider the gateway services use."
  type        = string
  default     = "openclaw-spot"
}

variable "asg_name" {
  description = "Auto Scaling group behind the capacity provider."
  type        = string
  default     = "openclaw-ecs-asg"
}

variable "asg_min_size" {
  description = "Minimum instances; one on-demand instance is always up."
  type        = number
  default     = 1
}

variable "asg_max_size" {
  description = "Maximum instances."
  type        = number
  default     = 20
}

variable "instance_types" {
  description = "Instance types of the mixed-instances policy, in priority order."
  type        = list(string)
  default     = ["c7i-flex.large", "m7i-flex.large"]
}

variable "warm_pool_size" {
  description = "Warm capacity: instances kept pre-initialised in the warm pool of an on-demand group behind a second capacity provider. 0 (default) creates neither; see localcloud/README.md, Warm capacity."
  type        = number
  default     = 0

  validation {
    condition     = var.warm_pool_size >= 0 && floor(var.warm_pool_size) == var.warm_pool_size
    error_message = "warm_pool_size must be a whole number >= 0."
  }
}

variable "warm_pool_state" {
  description = "State of the warm pool's instances: Stopped (EBS billed only), Running (billed as running) or Hibernated."
  type        = string
  default     = "Stopped"

  validation {
    condition     = contains(["Stopped", "Running", "Hibernated"], var.warm_pool_state)
    error_message = "warm_pool_state must be Stopped, Running or Hibernated."
  }
}

variable "warm_asg_name" {
  description = "Auto Scaling group of the warm capacity (on-demand, one instance type, with the warm pool)."
  type        = string
  default     = "openclaw-warm-asg"
}

variable "warm_capacity_provider_name" {
  description = "Capacity provider of the warm capacity group."
  type        = string
  default     = "openclaw-warm"
}

variable "predictive_max_extra_instances" {
  description = "Predictive scale-out: instances beyond what the reservation needs that the worker's sampler may add for signups on their way (PREDICTIVE_MAX_EXTRA_INSTANCES; 0 = off). Bounded by asg_max_size. 150: at least what the pipeline places during one launch plus one sample (1 signup/s, AWS's RegisterTaskDefinition rate, x 240 s / 2 tasks per instance = 120), chosen from npm run simulate (README, Warm capacity and predictive scale-out)."
  type        = number
  default     = 150

  validation {
    condition     = var.predictive_max_extra_instances >= 0 && floor(var.predictive_max_extra_instances) == var.predictive_max_extra_instances
    error_message = "predictive_max_extra_instances must be a whole number >= 0."
  }
}

variable "capacity_provider_max_step" {
  description = "Most instances managed scaling adds or removes at once."
  type        = number
  default     = 4
}

variable "gateway_cpu" {
  description = "CPU units of one gateway task (the worker registers the task definitions; documented here for sizing)."
  type        = number
  default     = 512
}

variable "gateway_memory" {
  description = "Memory (MiB) of one gateway task."
  type        = number
  default     = 1536
}

variable "gateway_port" {
  description = "Container port of the gateway; the ALB reaches tasks on it."
  type        = number
  default     = 8080
}

variable "gateway_image_tag" {
  description = "Tag of the gateway image in the ECR repository; the repository is immutable, so a tag pins one image."
  type        = string

  validation {
    condition     = var.gateway_image_tag != "latest" && length(var.gateway_image_tag) > 0
    error_message = "Pin the gateway image to a release tag, not latest."
  }
}

variable "log_retention_days" {
  description = "Retention of the gateway and control-plane log groups."
  type        = number
  default     = 30
}

variable "ecr_keep_images" {
  description = "Tagged gateway images kept in ECR; older ones expire."
  type        = number
  default     = 30
}

# --- control plane (API + worker on Fargate) ---

variable "control_plane_image" {
  description = "Image of the control plane (API and worker run the same image), pinned by tag or digest."
  type        = string

  validation {
    condition     = (strcontains(var.control_plane_image, "@sha256:") || can(regex(":[^/:]+$", var.control_plane_image))) && !endswith(var.control_plane_image, ":latest")
    error_message = "Pin control_plane_image by tag or digest (repo:tag or repo@sha256:...), not latest."
  }
}

variable "api_port" {
  description = "Port the API listens on inside its container (the API's PORT)."
  type        = number
  default     = 3000
}

variable "api_health_check_path" {
  description = "Path the ALB probes on the API."
  type        = string
  default     = "/healthz"
}

variable "api_paths" {
  description = "Paths the first ALB forwards to the API (signup page, /v1 routes, admin, docs)."
  type        = list(string)
  default     = ["/", "/v1/*", "/signup*", "/admin/*", "/dashboard*", "/docs*", "/openapi.json", "/healthz", "/readyz"]

  # /metrics shows account ids, listener ARNs, fleet size and cost: Prometheus scrapes the API tasks
  # inside the VPC (METRICS_PORT or METRICS_TOKEN), never through the internet-facing ALB.
  validation {
    condition     = alltrue([for p in var.api_paths : !can(regex("^/(metrics|\\*)", p))])
    error_message = "api_paths must not route /metrics (or everything, /*) through the public load balancer."
  }
}

variable "api_desired_count" {
  description = "API tasks."
  type        = number
  default     = 2
}

variable "worker_desired_count" {
  description = "Worker tasks."
  type        = number
  default     = 1
}

variable "control_plane_rule_priority" {
  description = "Listener rule priority of the API route on the first ALB; the worker allocates user rules from 1000 upward."
  type        = number
  default     = 10

  validation {
    condition     = var.control_plane_rule_priority >= 1 && var.control_plane_rule_priority + 10 < 1000
    error_message = "Keep the control-plane rules (this priority and the next few) well below 1000, where the worker's user rules start."
  }
}

# --- Redis ---

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "redis_engine_version" {
  description = "Redis engine version (BullMQ needs 6.2 or later)."
  type        = string
  default     = "7.1"
}

variable "redis_snapshot_retention_days" {
  description = "Daily snapshots kept; the durability ElastiCache offers instead of AOF."
  type        = number
  default     = 7
}

variable "api_command" {
  description = "Command that starts the API in the control-plane image."
  type        = list(string)
  default     = ["node", "dist/api/main.js"]
}

variable "worker_command" {
  description = "Command that starts the worker in the control-plane image."
  type        = list(string)
  default     = ["node", "dist/worker/main.js"]
}
