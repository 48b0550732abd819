data "aws_ssm_parameter" "gpu_ami" {
  name = "/aws/service/eks/optimized-ami/${var.kubernetes_version}/amazon-linux-2-gpu/recommended/image_id"
}

# Batch inference and evaluation workers, joined to the cluster as self-managed nodes.
resource "aws_launch_template" "batch_gpu" {
  name_prefix   = "${var.cluster_name}-batch-gpu-"
  image_id      = data.aws_ssm_parameter.gpu_ami.value
  instance_type = var.batch_instance_types[0]
  user_data     = base64encode("#!/bin/bash\n/etc/eks/bootstrap.sh ${var.cluster_name} --kubelet-extra-args '--node-labels=workload=batch'\n")

  iam_instance_profile {
    arn = aws_iam_instance_profile.node.arn
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = 200
      volume_type           = "gp3"
      delete_on_termination = true
      encrypted             = true
    }
  }

  metadata_options {
    http_tokens = "required"
  }

  tag_specifications {
    resource_type = "instance"
    tags = {
      workload = "batch"
      model    = "eval-suite"
    }
  }

  tag_specifications {
    resource_type = "volume"
    tags = {
      workload = "batch"
    }
  }

  tags = {
    workload = "batch"
    model    = "eval-suite"
  }
}

resource "aws_autoscaling_group" "batch_gpu" {
  name_prefix         = "${var.cluster_name}-batch-gpu-"
  min_size            = 0
  desired_capacity    = 0
  max_size            = var.batch_max_workers
  vpc_zone_identifier = aws_subnet.nodes[*].id

  mixed_instances_policy {
    instances_distribution {
      on_demand_base_capacity                  = 0
      on_demand_percentage_above_base_capacity = 0
      spot_allocation_strategy                 = "price-capacity-optimized"
    }

    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.batch_gpu.id
        version            = "$Latest"
      }

      dynamic "override" {
        for_each = var.batch_instance_types
        content {
          instance_type = override.value
        }
      }
    }
  }

  tag {
    key                 = "kubernetes.io/cluster/${var.cluster_name}"
    value               = "owned"
    propagate_at_launch = true
  }

  tag {
    key                 = "workload"
    value               = "batch"
    propagate_at_launch = true
  }

  # provider default_tags do not reach an Auto Scaling group: its cost tags are set here
  dynamic "tag" {
    for_each = { cost-center = var.cost_center, team = var.team, env = var.environment }
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
