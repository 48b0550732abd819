data "aws_iam_policy_document" "sagemaker_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "sagemaker" {
  name               = "${local.prefix}-sagemaker"
  assume_role_policy = data.aws_iam_policy_document.sagemaker_assume.json
}

resource "aws_iam_role_policy_attachment" "sagemaker" {
  role       = aws_iam_role.sagemaker.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

resource "aws_sagemaker_model" "llm" {
  name               = "${local.prefix}-mistral-7b"
  execution_role_arn = aws_iam_role.sagemaker.arn

  primary_container {
    image = var.llm_image
    environment = {
      HF_MODEL_ID      = var.llm_model_id
      SM_NUM_GPUS      = "1"
      MAX_INPUT_LENGTH = "4096"
      MAX_TOTAL_TOKENS = "8192"
    }
  }

  vpc_config {
    subnets            = [for subnet in aws_subnet.private : subnet.id]
    security_group_ids = [aws_security_group.inference.id]
  }

  tags = merge(local.ai_tags, {
    model = "mistral-7b-instruct"
  })
}

resource "aws_sagemaker_endpoint_configuration" "llm" {
  name = "${local.prefix}-mistral-7b"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.llm.name
    instance_type          = var.llm_instance_type
    initial_instance_count = var.llm_initial_instances
    initial_variant_weight = 1
  }

  tags = merge(local.ai_tags, {
    model = "mistral-7b-instruct"
  })
}

resource "aws_sagemaker_endpoint" "llm" {
  name                 = "${local.prefix}-generate"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.llm.name

  tags = merge(local.ai_tags, {
    model = "mistral-7b-instruct"
  })
}

resource "aws_appautoscaling_target" "llm" {
  service_namespace  = "sagemaker"
  resource_id        = "endpoint/${aws_sagemaker_endpoint.llm.name}/variant/primary"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  min_capacity       = var.llm_initial_instances
  max_capacity       = var.llm_max_instances
}

# Scales a GPU endpoint on host CPU: a token-bound model can be saturated while the CPU idles
# (costrail CR-GPU-004 suggests InvocationsPerInstance or GPUUtilization).
resource "aws_appautoscaling_policy" "llm_cpu" {
  name               = "${local.prefix}-generate-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.llm.service_namespace
  resource_id        = aws_appautoscaling_target.llm.resource_id
  scalable_dimension = aws_appautoscaling_target.llm.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = 70
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      metric_name = "CPUUtilization"
      namespace   = "/aws/sagemaker/Endpoints"
      statistic   = "Average"
      unit        = "Percent"

      dimensions {
        name  = "EndpointName"
        value = aws_sagemaker_endpoint.llm.name
      }

      dimensions {
        name  = "VariantName"
        value = "primary"
      }
    }
  }
}
