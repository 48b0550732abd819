variable "name" {
  description = "Name of this embedding server."
  type        = string
}

variable "ami_id" {
  description = "GPU AMI (NVIDIA driver and CUDA preinstalled)."
  type        = string
}

variable "instance_type" {
  description = "GPU instance type."
  type        = string
}

variable "subnet_id" {
  description = "Private subnet to run in."
  type        = string
}

variable "security_group_ids" {
  description = "Security groups of the server."
  type        = list(string)
}

variable "model" {
  description = "Embedding model served, recorded in the model tag."
  type        = string
}

variable "root_volume_gb" {
  description = "Root volume size (model weights are cached on it), GB."
  type        = number
  default     = 200
}
