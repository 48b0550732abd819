environment            = "prod"
training_instance_type = "p4d.24xlarge"
training_nodes = {
  min     = 0
  desired = 2
  max     = 4
}
batch_max_workers = 16
