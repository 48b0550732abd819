# Scratch file system for training data and checkpoints, next to the GPU nodes.
resource "aws_fsx_lustre_file_system" "scratch" {
  storage_capacity            = var.lustre_capacity_gb
  subnet_ids                  = [aws_subnet.nodes[0].id]
  security_group_ids          = [aws_security_group.storage.id]
  deployment_type             = "PERSISTENT_2"
  per_unit_storage_throughput = 250
  storage_type                = "SSD"
  data_compression_type       = "LZ4"

  tags = {
    Name     = "${var.cluster_name}-scratch"
    workload = "training"
  }
}

# Shared home directories and notebooks.
resource "aws_efs_file_system" "home" {
  creation_token   = "${var.cluster_name}-home"
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"
  encrypted        = true

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  tags = {
    Name = "${var.cluster_name}-home"
  }
}

resource "aws_efs_mount_target" "home" {
  count = length(var.availability_zones)

  file_system_id  = aws_efs_file_system.home.id
  subnet_id       = aws_subnet.nodes[count.index].id
  security_groups = [aws_security_group.storage.id]
}

# Dataset staging volume; still gp2 (costrail CR-EBS-001: gp3 is cheaper per GB).
resource "aws_ebs_volume" "datasets" {
  availability_zone = var.availability_zones[0]
  size              = var.scratch_volume_gb
  type              = "gp2"

  tags = {
    Name     = "${var.cluster_name}-datasets"
    workload = "training"
  }
}
