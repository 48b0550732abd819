"""Generate a realistic Terraform monorepo root module for benchmarks (deterministic, seeded).

    .venv/bin/python benchmarks/generate.py --files 300 --out /tmp/tree300 [--seed 6]

One ``main.tf`` (terraform block, provider with default_tags, shared EKS cluster, IAM role,
subnets) plus N-1 service files of ~4 KB each: variables with defaults, locals built with
merge(), instances with count and root_block_device, EBS volumes with for_each, an EKS GPU
node group, a SageMaker endpoint configuration with two production variants and its
endpoint, an S3 bucket and a log group: ~8.7 resources per file (300 files ≈ 1.2 MB,
~2,600 resources). The same seed always writes the same bytes, and the text is
``terraform fmt`` clean.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

MAIN = '''terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      cost-center = "ml-platform"
      team        = "inference"
      env         = var.env
    }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "env" {
  type    = string
  default = "prod"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d", "subnet-1a2b3c4d", "subnet-2a3b4c5d"]
}

locals {
  common_tags = {
    owner      = "platform"
    managed-by = "terraform"
  }
}

resource "aws_iam_role" "node" {
  name = "eks-node-${var.env}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_eks_cluster" "main" {
  name     = "ml-${var.env}"
  role_arn = aws_iam_role.node.arn

  vpc_config {
    subnet_ids = var.subnet_ids
  }
}
'''

SERVICE = '''# Service {name}: {purpose}.
# Owned by team {team}; generated for costrail benchmarks (seed {seed}).
# API hosts behind the shared ALB, a GPU node group for the model servers, a SageMaker
# endpoint with a canary variant, and the buckets and logs the service writes to.

variable "{name}_instance_type" {{
  description = "EC2 instance type for the {name} API hosts"
  type        = string
  default     = "{itype}"
}}

variable "{name}_replicas" {{
  description = "How many {name} API hosts run in each environment"
  type        = number
  default     = {replicas}
}}

variable "{name}_gpu_type" {{
  description = "GPU instance type of the {name} node group"
  type        = string
  default     = "{gpu}"
}}

locals {{
  {name}_tags = merge(local.common_tags, {{
    service  = "{name}"
    team     = "{team}"
    model    = "{model}"
    workload = "{workload}"
  }})
  {name}_disks = {{
    data = {{ size = {disk1}, type = "gp3" }}
    logs = {{ size = {disk2}, type = "gp3" }}
  }}
}}

resource "aws_instance" "{name}_api" {{
  count         = var.{name}_replicas
  ami           = "ami-0{ami:07x}"
  instance_type = var.{name}_instance_type
  subnet_id     = element(var.subnet_ids, count.index)

  root_block_device {{
    volume_size = {root}
    volume_type = "gp3"
    encrypted   = true
  }}

  metadata_options {{
    http_endpoint = "enabled"
    http_tokens   = "required"
  }}

  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    echo "starting {name} api host ${{count.index}} in ${{var.env}}"
    aws s3 cp s3://{name}-artifacts-${{var.env}}/config/app.yaml /etc/{name}/app.yaml
    systemctl enable --now {name}-api.service
  EOT

  lifecycle {{
    ignore_changes = [ami, user_data]
  }}

  tags = merge(local.{name}_tags, {{
    Name = "{name}-api-${{count.index}}"
  }})
}}

resource "aws_ebs_volume" "{name}_disk" {{
  for_each          = local.{name}_disks
  availability_zone = "${{var.region}}a"
  size              = each.value.size
  type              = each.value.type
  tags              = merge(local.{name}_tags, {{ Name = "{name}-${{each.key}}" }})
}}

resource "aws_eks_node_group" "{name}_gpu" {{
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "{name}-gpu"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  instance_types  = [var.{name}_gpu_type]
  capacity_type   = "{capacity}"

  scaling_config {{
    desired_size = {desired}
    min_size     = {min_size}
    max_size     = {max_size}
  }}

  update_config {{
    max_unavailable = 1
  }}

  taint {{
    key    = "nvidia.com/gpu"
    value  = "true"
    effect = "NO_SCHEDULE"
  }}

  labels = {{
    workload = "{workload}"
    model    = "{model}"
  }}

  tags = local.{name}_tags
}}

resource "aws_sagemaker_endpoint_configuration" "{name}" {{
  name = "{name}-${{var.env}}"

  production_variants {{
    variant_name           = "primary"
    model_name             = "{model}-v{version}"
    instance_type          = "{sm_type}"
    initial_instance_count = {sm_count}
    initial_variant_weight = 0.9
  }}

  production_variants {{
    variant_name           = "candidate"
    model_name             = "{model}-v{next_version}"
    instance_type          = "{sm_type}"
    initial_instance_count = 1
    initial_variant_weight = 0.1
  }}

  tags = local.{name}_tags
}}

resource "aws_sagemaker_endpoint" "{name}" {{
  name                 = "{name}-${{var.env}}"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.{name}.name
  tags                 = local.{name}_tags
}}

resource "aws_s3_bucket" "{name}_artifacts" {{
  bucket = "{name}-artifacts-${{var.env}}"
  tags   = merge(local.{name}_tags, {{ data-class = "{dclass}" }})
}}

resource "aws_cloudwatch_log_group" "{name}" {{
  name              = "/aws/sagemaker/Endpoints/{name}-${{var.env}}"
  retention_in_days = {retention}
  tags              = local.{name}_tags
}}
'''

TEAMS = ["search", "ranking", "vision", "speech", "nlp", "recsys", "fraud", "ads"]
MODELS = ["llama-3-8b", "mistral-7b", "bge-large", "whisper-large", "resnet-152", "bert-base", "xgb-fraud"]
WORKLOADS = ["inference", "training", "embedding", "batch"]
INSTANCE_TYPES = ["t3.medium", "t3.large", "m5.large", "m5.xlarge", "c5.xlarge", "r5.large"]
GPU_TYPES = ["g5.xlarge", "g5.2xlarge", "g4dn.xlarge", "p3.2xlarge", "g6.xlarge"]
SM_TYPES = ["ml.g5.xlarge", "ml.g5.2xlarge", "ml.m5.large", "ml.c5.xlarge", "ml.g4dn.xlarge"]
PURPOSES = ["online inference API", "feature pipeline", "nightly fine-tuning", "embedding service",
            "batch scoring", "realtime ranking"]


def service_text(i: int, rng: random.Random, seed: int) -> str:
    min_size = rng.randint(0, 2)
    max_size = min_size + rng.randint(1, 6)
    version = rng.randint(1, 9)
    return SERVICE.format(
        name=f"svc{i:04d}", seed=seed, purpose=rng.choice(PURPOSES), team=rng.choice(TEAMS),
        itype=rng.choice(INSTANCE_TYPES), replicas=2, gpu=rng.choice(GPU_TYPES),
        model=rng.choice(MODELS), workload=rng.choice(WORKLOADS), disk1=rng.choice([50, 100, 200, 500]),
        disk2=rng.choice([20, 50]), ami=rng.randrange(16**7), root=rng.choice([20, 30, 50, 100]),
        capacity=rng.choice(["ON_DEMAND", "SPOT"]), desired=min_size, min_size=min_size, max_size=max_size,
        version=version, next_version=version + 1, sm_type=rng.choice(SM_TYPES), sm_count=rng.randint(1, 3),
        dclass=rng.choice(["internal", "confidential"]), retention=rng.choice([7, 14, 30, 90]),
    )


def generate(out: Path, files: int, seed: int = 6) -> dict[str, int]:
    """Write the tree; returns counts (files, bytes, resource blocks)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "main.tf").write_text(MAIN, encoding="utf-8")
    total = len(MAIN)
    for i in range(1, files):
        text = service_text(i, rng, seed)
        (out / f"svc{i:04d}.tf").write_text(text, encoding="utf-8")
        total += len(text)
    return {"files": files, "bytes": total, "resource_blocks": 2 + 7 * (files - 1),
            "resources": 2 + 9 * (files - 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    stats = generate(Path(args.out), args.files, args.seed)
    print(" ".join(f"{k}={v}" for k, v in stats.items()))


if __name__ == "__main__":
    main()
