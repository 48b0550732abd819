locals {
  prefix = "${var.name}-${var.environment}"

  ai_tags = {
    workload = "inference"
  }

  private_subnets = {
    for index, zone in var.availability_zones : zone => cidrsubnet(var.vpc_cidr, 4, index)
  }

  public_subnet_cidr = cidrsubnet(var.vpc_cidr, 4, 15)
}
