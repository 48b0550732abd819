variable "region" {
  description = "AWS region for the whole stack."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Environment name, also the env cost-allocation tag."
  type        = string
  default     = "dev"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "cost_center" {
  description = "Cost center billed for this stack."
  type        = string
  default     = "cc-4410"
}

variable "team" {
  description = "Owning team."
  type        = string
  default     = "ml-platform"
}

variable "name" {
  description = "Prefix for resource names."
  type        = string
  default     = "rag"
}

# Oversized on purpose: the default is a 4-GPU box, every real environment overrides it in
# tfvars. costrail flags the default (CR-GPU-001) because a new environment would inherit it.
variable "gpu_instance_type" {
  description = "Instance type of the GPU embedding servers."
  type        = string
  default     = "g5.12xlarge"
}

variable "embedder_count" {
  description = "Number of embedding servers behind the retrieval API."
  type        = number
  default     = 2
}

variable "embedding_model" {
  description = "Embedding model served by the embedding servers."
  type        = string
  default     = "bge-large-en-v1.5"
}

variable "rerankers" {
  description = "Cross-encoder rerankers: name => instance type and model."
  type = map(object({
    instance_type = string
    model         = string
  }))
  default = {
    bge = {
      instance_type = "g6.xlarge"
      model         = "bge-reranker-v2-m3"
    }
    colbert = {
      instance_type = "g5.2xlarge"
      model         = "colbertv2.0"
    }
  }
}

variable "llm_instance_type" {
  description = "SageMaker instance type of the generation endpoint."
  type        = string
  default     = "ml.g5.2xlarge"
}

variable "llm_initial_instances" {
  description = "Initial instance count of the generation endpoint."
  type        = number
  default     = 2
}

variable "llm_max_instances" {
  description = "Upper bound for endpoint autoscaling."
  type        = number
  default     = 6
}

variable "llm_image" {
  description = "Serving container image (Hugging Face TGI)."
  type        = string
  default     = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0-tgi2.2.0-gpu-py310-cu121-ubuntu22.04"
}

variable "llm_model_id" {
  description = "Hugging Face model id served by the endpoint."
  type        = string
  default     = "mistralai/Mistral-7B-Instruct-v0.3"
}

variable "vector_instance_type" {
  description = "OpenSearch data node instance type for the vector index."
  type        = string
  default     = "r6g.large.search"
}

variable "vector_volume_gb" {
  description = "EBS size of each OpenSearch data node, GB."
  type        = number
  default     = 100
}

variable "vpc_cidr" {
  description = "CIDR block of the stack VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Availability zones for the private subnets."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]
}

variable "ingress_ports" {
  description = "Ports the embedding servers accept from inside the VPC."
  type        = list(number)
  default     = [8080, 9090]
}

variable "monthly_budget_usd" {
  description = "Monthly cost budget of the stack, USD."
  type        = number
  default     = 15000
}

variable "budget_alert_emails" {
  description = "Who hears about forecasted budget overruns."
  type        = list(string)
  default     = ["ml-platform-finops@example.com"]
}
