# Redis for BullMQ queues and the instance store. Reachable only from control-plane tasks; gateways (user
# code) cannot connect to it.

resource "aws_security_group" "redis" {
  name        = "openclaw-redis"
  description = "ElastiCache Redis of the control plane"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_control_plane" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Redis from API and worker tasks only"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.control_plane.id
}

resource "aws_elasticache_subnet_group" "redis" {
  name       = "openclaw-redis"
  subnet_ids = aws_subnet.private[*].id
}

# noeviction: BullMQ refuses to run otherwise, since an evicted key is a lost job or lock.
# ElastiCache offers no appendonly (AOF) on Redis 7 or with Multi-AZ; durability comes from the replica in
# the second AZ with automatic failover, plus daily snapshots.
resource "aws_elasticache_parameter_group" "redis" {
  name        = "openclaw-redis7"
  family      = "redis7"
  description = "BullMQ: never evict keys"

  parameter {
    name  = "maxmemory-policy"
    value = "noeviction"
  }
}

# Cluster mode stays disabled (one shard: a primary and a replica). The instance store's Lua scripts reach
# keys they derive from their arguments, which Redis Cluster refuses unless every key is declared and in
# one hash slot; one primary carries far more than this control plane's few thousand commands a second.
resource "aws_elasticache_replication_group" "redis" {
  replication_group_id        = "openclaw-redis"
  description                 = "OpenClaw Fleet queues and instance store"
  engine                      = "redis"
  engine_version              = var.redis_engine_version
  node_type                   = var.redis_node_type
  port                        = 6379
  parameter_group_name        = aws_elasticache_parameter_group.redis.name
  subnet_group_name           = aws_elasticache_subnet_group.redis.name
  security_group_ids          = [aws_security_group.redis.id]
  num_cache_clusters          = 2
  preferred_cache_cluster_azs = local.azs
  automatic_failover_enabled  = true
  multi_az_enabled            = true
  transit_encryption_enabled  = true
  at_rest_encryption_enabled  = true
  snapshot_retention_limit    = var.redis_snapshot_retention_days
  snapshot_window             = "09:00-10:00"
  maintenance_window          = "sun:10:30-sun:11:30"
  apply_immediately           = false
}

locals {
  # rediss: TLS is required in transit.
  redis_url = "rediss://${aws_elasticache_replication_group.redis.primary_endpoint_address}:6379"
}
