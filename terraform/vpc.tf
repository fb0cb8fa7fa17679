# Two public subnets (ALBs, NAT) and two private subnets (gateway tasks, control plane, Redis) in two AZs.
# Private subnets are /20s: every awsvpc task takes its own ENI and IP address.

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = "openclaw" }
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = { Name = "openclaw" }
}

resource "aws_subnet" "public" {
  count = 2

  vpc_id                  = aws_vpc.this.id
  availability_zone       = local.azs[count.index]
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, count.index)
  map_public_ip_on_launch = false

  tags = { Name = "openclaw-public-${local.azs[count.index]}" }
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id            = aws_vpc.this.id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 4, count.index + 1)

  tags = { Name = "openclaw-private-${local.azs[count.index]}" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = { Name = "openclaw-public" }
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = 2

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# Egress for the private subnets, by nat_mode. awsvpc tasks on EC2 never get a public IP, yet gateways
# must pull from ECR, read Secrets Manager and call model APIs: "gateway" is the seed's managed NAT,
# "instance" a NAT instance (no per-GB charge), "public" moves the instances and the control plane into
# the public subnets instead. One NAT matches the seed's cost model; nat_gateway_per_az removes the
# cross-AZ dependency for a second NAT.
locals {
  nat_count           = var.nat_mode == "public" ? 0 : (var.nat_gateway_per_az ? 2 : 1)
  compute_subnet_ids  = var.nat_mode == "public" ? aws_subnet.public[*].id : aws_subnet.private[*].id
  compute_public_ipv4 = var.nat_mode == "public"
}

resource "aws_eip" "nat" {
  count = var.nat_mode == "gateway" ? local.nat_count : 0

  domain = "vpc"

  tags = { Name = "openclaw-nat-${count.index}" }
}

resource "aws_nat_gateway" "this" {
  count = var.nat_mode == "gateway" ? local.nat_count : 0

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = { Name = "openclaw-nat-${count.index}" }

  depends_on = [aws_internet_gateway.this]
}

data "aws_ssm_parameter" "nat_ami" {
  count = var.nat_mode == "instance" ? 1 : 0

  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
}

resource "aws_security_group" "nat" {
  count = var.nat_mode == "instance" ? 1 : 0

  name        = "openclaw-nat"
  description = "NAT instance: forwards the VPC's outbound traffic"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "nat_from_vpc" {
  count = var.nat_mode == "instance" ? 1 : 0

  security_group_id = aws_security_group.nat[0].id
  description       = "Everything from inside the VPC, to forward"
  ip_protocol       = "-1"
  cidr_ipv4         = var.vpc_cidr
}

resource "aws_vpc_security_group_egress_rule" "nat_out" {
  count = var.nat_mode == "instance" ? 1 : 0

  security_group_id = aws_security_group.nat[0].id
  description       = "Forwarded traffic to the internet"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# source_dest_check off: the instance forwards packets that are neither from nor to itself.
resource "aws_instance" "nat" {
  count = var.nat_mode == "instance" ? local.nat_count : 0

  ami                         = nonsensitive(data.aws_ssm_parameter.nat_ami[0].value)
  instance_type               = var.nat_instance_type
  subnet_id                   = aws_subnet.public[count.index].id
  associate_public_ip_address = true
  source_dest_check           = false
  vpc_security_group_ids      = [aws_security_group.nat[0].id]

  metadata_options {
    http_tokens = "required"
  }

  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    dnf install -y iptables-services
    echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-nat.conf
    sysctl --system
    dev=$(ip route show default | awk '{print $5; exit}')
    iptables -t nat -A POSTROUTING -o "$dev" -s ${var.vpc_cidr} -j MASQUERADE
    iptables -F FORWARD
    service iptables save
    systemctl enable --now iptables
  EOT

  tags = { Name = "openclaw-nat-${count.index}" }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "private" {
  count = 2

  vpc_id = aws_vpc.this.id

  tags = { Name = "openclaw-private-${local.azs[count.index]}" }
}

resource "aws_route" "private_nat" {
  count = var.nat_mode == "gateway" ? 2 : 0

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.nat_gateway_per_az ? count.index : 0].id
}

resource "aws_route" "private_nat_instance" {
  count = var.nat_mode == "instance" ? 2 : 0

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  network_interface_id   = aws_instance.nat[var.nat_gateway_per_az ? count.index : 0].primary_network_interface_id
}

resource "aws_route_table_association" "private" {
  count = 2

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

# ECR image layers are served from S3: a free gateway endpoint keeps those pulls off the NAT's data charge.
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${var.aws_region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id

  tags = { Name = "openclaw-s3" }
}
