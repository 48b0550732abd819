resource "aws_security_group" "vectors" {
  name        = "${local.prefix}-vectors"
  description = "OpenSearch vector index"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.inference.id, aws_security_group.query.id]
  }
}

resource "aws_opensearch_domain" "vectors" {
  domain_name    = "${local.prefix}-vectors"
  engine_version = "OpenSearch_2.13"

  cluster_config {
    instance_type          = var.vector_instance_type
    instance_count         = 2
    zone_awareness_enabled = true

    zone_awareness_config {
      availability_zone_count = 2
    }
  }

  ebs_options {
    ebs_enabled = true
    volume_type = "gp3"
    volume_size = var.vector_volume_gb
  }

  vpc_options {
    subnet_ids         = [for subnet in aws_subnet.private : subnet.id]
    security_group_ids = [aws_security_group.vectors.id]
  }

  encrypt_at_rest {
    enabled = true
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }

  tags = {
    workload = "retrieval"
  }
}
