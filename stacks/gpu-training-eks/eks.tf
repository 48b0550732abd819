resource "aws_eks_cluster" "training" {
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn
  version  = var.kubernetes_version

  vpc_config {
    subnet_ids              = aws_subnet.nodes[*].id
    endpoint_private_access = true
    endpoint_public_access  = false
  }

  depends_on = [aws_iam_role_policy_attachment.cluster]
}

# Add-ons (CoreDNS, the NVIDIA device plugin, the job scheduler) on small CPU nodes.
resource "aws_eks_node_group" "system" {
  cluster_name    = aws_eks_cluster.training.name
  node_group_name = "system"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = aws_subnet.nodes[*].id
  instance_types  = var.system_instance_types
  capacity_type   = "ON_DEMAND"
  disk_size       = 50

  scaling_config {
    min_size     = 2
    desired_size = 2
    max_size     = 3
  }

  update_config {
    max_unavailable = 1
  }

  labels = {
    role = "system"
  }

  depends_on = [aws_iam_role_policy_attachment.node]
}

# Distributed training on A100 nodes, on-demand: checkpointed training jobs can run on spot
# (costrail CR-GPU-002).
resource "aws_eks_node_group" "training" {
  cluster_name    = aws_eks_cluster.training.name
  node_group_name = "gpu-training"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = [aws_subnet.nodes[0].id]
  instance_types  = [var.training_instance_type]
  ami_type        = "AL2_x86_64_GPU"
  capacity_type   = "ON_DEMAND"
  disk_size       = 500

  scaling_config {
    min_size     = var.training_nodes.min
    desired_size = var.training_nodes.desired
    max_size     = var.training_nodes.max
  }

  labels = {
    workload                 = "training"
    "nvidia.com/gpu.present" = "true"
  }

  taint {
    key    = "nvidia.com/gpu"
    value  = "true"
    effect = "NO_SCHEDULE"
  }

  tags = {
    workload = "training"
    model    = "llama-3-8b-finetune"
  }

  depends_on = [aws_iam_role_policy_attachment.node]
}
