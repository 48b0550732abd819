# Production: terraform plan -var-file=prod.tfvars
environment        = "prod"
gpu_instance_type  = "g5.xlarge"
embedder_count     = 3
llm_max_instances  = 6
vector_volume_gb   = 200
monthly_budget_usd = 25000
