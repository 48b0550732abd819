data "aws_ami" "gpu" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04)*"]
  }
}

# Embedding servers: one module instance per server, all on the GPU type of the environment.
module "embedder" {
  source = "./modules/embedder"
  count  = var.embedder_count

  name               = "${local.prefix}-embedder-${count.index}"
  ami_id             = data.aws_ami.gpu.id
  instance_type      = var.gpu_instance_type
  subnet_id          = values(aws_subnet.private)[count.index % length(var.availability_zones)].id
  security_group_ids = [aws_security_group.inference.id]
  model              = var.embedding_model
}

# Rerankers: one server per cross-encoder model, sized per model.
resource "aws_instance" "reranker" {
  for_each = var.rerankers

  ami                    = data.aws_ami.gpu.id
  instance_type          = each.value.instance_type
  subnet_id              = aws_subnet.private[var.availability_zones[0]].id
  vpc_security_group_ids = [aws_security_group.inference.id]

  root_block_device {
    volume_type = "gp3"
    volume_size = 150
    encrypted   = true
  }

  tags = merge(local.ai_tags, {
    Name  = "${local.prefix}-reranker-${each.key}"
    model = each.value.model
  })
}
