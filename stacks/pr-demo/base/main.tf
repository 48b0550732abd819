resource "aws_instance" "api" {
  ami           = "ami-0c7217cdde317cfec"
  instance_type = var.api_instance_type
  subnet_id     = aws_subnet.private.id

  root_block_device {
    volume_type = "gp3"
    volume_size = 30
  }

  tags = {
    Name = "assistant-api"
  }
}

resource "aws_iam_role" "sagemaker" {
  name = "assistant-sagemaker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "sagemaker.amazonaws.com" }
    }]
  })
}

resource "aws_sagemaker_model" "chat" {
  name               = "assistant-chat"
  execution_role_arn = aws_iam_role.sagemaker.arn

  primary_container {
    image = var.model_image
    environment = {
      HF_MODEL_ID = "meta-llama/Meta-Llama-3-8B-Instruct"
    }
  }

  tags = {
    model    = "llama-3-8b-instruct"
    workload = "inference"
  }
}

resource "aws_sagemaker_endpoint_configuration" "chat" {
  name = "assistant-chat"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.chat.name
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = 1
    initial_variant_weight = 1
  }

  tags = {
    model    = "llama-3-8b-instruct"
    workload = "inference"
  }
}

resource "aws_sagemaker_endpoint" "chat" {
  name                 = "assistant-chat"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.chat.name

  tags = {
    model    = "llama-3-8b-instruct"
    workload = "inference"
  }
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/assistant/api"
  retention_in_days = 14
}
