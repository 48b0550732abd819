# Development defaults (auto-loaded). Right-sizes the GPU type the variable default oversizes.
environment       = "dev"
gpu_instance_type = "g5.xlarge"
embedder_count    = 1
llm_max_instances = 2
