output "api_endpoint" {
  description = "Base URL of the RAG HTTP API."
  value       = aws_apigatewayv2_api.rag.api_endpoint
}

output "embedder_ids" {
  description = "Instance ids of the embedding servers."
  value       = module.embedder[*].instance_id
}

output "llm_endpoint" {
  description = "SageMaker endpoint serving generation."
  value       = aws_sagemaker_endpoint.llm.name
}
