variable "environment" {
  description = "Environment name, also the env cost-allocation tag."
  type        = string
  default     = "prod"
}

variable "api_instance_type" {
  description = "Instance type of the chat API server."
  type        = string
  default     = "m6i.large"
}

variable "model_image" {
  description = "Serving container image."
  type        = string
  default     = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0-tgi2.2.0-gpu-py310-cu121-ubuntu22.04"
}
