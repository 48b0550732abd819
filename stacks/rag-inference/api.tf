data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "query" {
  name               = "${local.prefix}-query"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy_attachment" "query_vpc" {
  role       = aws_iam_role.query.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_security_group" "query" {
  name        = "${local.prefix}-query"
  description = "Query Lambda"
  vpc_id      = aws_vpc.main.id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_cloudwatch_log_group" "query" {
  name              = "/aws/lambda/${local.prefix}-query"
  retention_in_days = 30
}

# Orchestrates a RAG request: embed, search the vector index, rerank, generate.
resource "aws_lambda_function" "query" {
  function_name = "${local.prefix}-query"
  role          = aws_iam_role.query.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  architectures = ["arm64"]
  memory_size   = 1024
  timeout       = 60
  s3_bucket     = aws_s3_bucket.artifacts.id
  s3_key        = "lambda/query.zip"

  environment {
    variables = {
      EMBEDDER_HOSTS  = join(",", module.embedder[*].private_ip)
      VECTOR_ENDPOINT = aws_opensearch_domain.vectors.endpoint
      LLM_ENDPOINT    = aws_sagemaker_endpoint.llm.name
    }
  }

  vpc_config {
    subnet_ids         = [for subnet in aws_subnet.private : subnet.id]
    security_group_ids = [aws_security_group.query.id]
  }

  tags = local.ai_tags

  depends_on = [aws_cloudwatch_log_group.query]
}

# Public HTTP API in front of the query function. No throttling on the stage: every request
# fans out to GPU capacity (costrail CR-API-001).
resource "aws_apigatewayv2_api" "rag" {
  name          = "${local.prefix}-api"
  protocol_type = "HTTP"
  description   = "Retrieval-augmented question answering"
}

resource "aws_apigatewayv2_integration" "query" {
  api_id                 = aws_apigatewayv2_api.rag.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.query.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "ask" {
  api_id    = aws_apigatewayv2_api.rag.id
  route_key = "POST /v1/ask"
  target    = "integrations/${aws_apigatewayv2_integration.query.id}"
}

resource "aws_cloudwatch_log_group" "api_access" {
  name = "/aws/apigateway/${local.prefix}-api"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.rag.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId = "$context.requestId"
      status    = "$context.status"
      latency   = "$context.responseLatency"
    })
  }
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowHttpApiInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.query.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.rag.execution_arn}/*/*"
}
