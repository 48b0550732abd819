output "cluster_endpoint" {
  description = "EKS API endpoint."
  value       = aws_eks_cluster.training.endpoint
}

output "lustre_mount_name" {
  description = "Mount name of the FSx for Lustre scratch file system."
  value       = aws_fsx_lustre_file_system.scratch.mount_name
}
