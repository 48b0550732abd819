variable "region" {
  description = "AWS region of the training cluster."
  type        = string
  default     = "us-east-1"
}

variable "environment" {
  description = "Environment name, also the env cost-allocation tag."
  type        = string
  default     = "dev"
}

variable "cost_center" {
  description = "Cost center billed for training."
  type        = string
  default     = "cc-5120"
}

variable "team" {
  description = "Owning team."
  type        = string
  default     = "ml-research"
}

variable "cluster_name" {
  description = "EKS cluster name."
  type        = string
  default     = "training"
}

variable "kubernetes_version" {
  description = "EKS control plane version."
  type        = string
  default     = "1.30"
}

variable "vpc_cidr" {
  description = "CIDR block of the cluster VPC."
  type        = string
  default     = "10.60.0.0/16"
}

variable "availability_zones" {
  description = "Zones for node subnets (FSx lives in the first)."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]
}

variable "system_instance_types" {
  description = "CPU instance types for cluster add-ons."
  type        = list(string)
  default     = ["m6i.large"]
}

variable "training_instance_type" {
  description = "GPU instance type of the training node group."
  type        = string
  default     = "p4d.24xlarge"
}

variable "training_nodes" {
  description = "Training node group size."
  type = object({
    min     = number
    desired = number
    max     = number
  })
  default = {
    min     = 0
    desired = 1
    max     = 4
  }
}

variable "batch_instance_types" {
  description = "GPU instance types the batch workers may use (first is the launch template default)."
  type        = list(string)
  default     = ["g6e.xlarge", "g6e.2xlarge", "g5.2xlarge"]
}

variable "batch_max_workers" {
  description = "Upper bound of the batch GPU worker group."
  type        = number
  default     = 16
}

variable "lustre_capacity_gb" {
  description = "FSx for Lustre capacity, GB (multiples of 1200)."
  type        = number
  default     = 1200
}

variable "scratch_volume_gb" {
  description = "Size of the dataset staging volume, GB."
  type        = number
  default     = 500
}
