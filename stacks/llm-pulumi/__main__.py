"""llm-pulumi: GPU workers in us-west-2, a SageMaker endpoint and a notebook in the stack's region."""

import json

import pulumi
import pulumi_aws as aws

from gpu_workers import GpuWorkers

config = pulumi.Config()
# A code default: without stack config this program asks for 8 × A100.
gpu_type = config.get("gpuType") or "p4d.24xlarge"
worker_max = config.get_int("workerMax") or 10
worker_count = config.get_int("workerCount") or 1
model_image = config.get("modelImage") or "763104351884.dkr.ecr.us-east-1.amazonaws.com/tgi:latest"
hf_token = config.get_secret("hfToken")

west = aws.Provider(
    "us-west-2",
    region="us-west-2",
    default_tags={"tags": {"cost-center": "ml-platform", "team": "llm", "env": "dev"}},
)
workers = GpuWorkers("gpu-workers", instance_type=gpu_type, max_size=worker_max, desired=worker_count,
                     opts=pulumi.ResourceOptions(providers={"aws": west}))

role = aws.iam.Role(
    "sagemaker-exec",
    assume_role_policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                       "Principal": {"Service": "sagemaker.amazonaws.com"}}],
    }),
)
artifacts = aws.s3.Bucket("model-artifacts", tags={"model": "llama-3-8b"})

model = aws.sagemaker.Model(
    "llama-3-8b",
    execution_role_arn=role.arn,
    primary_container={
        "image": model_image,
        "model_data_url": artifacts.bucket.apply(lambda b: f"s3://{b}/llama-3-8b/model.tar.gz"),
        "environment": {"HF_MODEL_ID": "meta-llama/Meta-Llama-3-8B-Instruct", "SM_NUM_GPUS": "1"},
    },
    tags={"model": "llama-3-8b", "workload": "inference"},
)
endpoint_config = aws.sagemaker.EndpointConfiguration(
    "llama-3-8b-config",
    production_variants=[{
        "variant_name": "primary",
        "model_name": model.name,
        "instance_type": "ml.g5.2xlarge",
        "initial_instance_count": 1,
    }],
    tags={"model": "llama-3-8b", "workload": "inference"},
)
endpoint = aws.sagemaker.Endpoint(
    "llama-3-8b-endpoint",
    endpoint_config_name=endpoint_config.name,
    tags={"model": "llama-3-8b", "workload": "inference"},
)

notebook = aws.sagemaker.NotebookInstance(
    "research-notebook",
    instance_type="ml.g4dn.xlarge",
    role_arn=role.arn,
    volume_size=50,
    tags={"workload": "research"},
)

pulumi.export("endpoint_name", endpoint.name)
pulumi.export("worker_group", workers.group.name)
pulumi.export("hf_token_set", pulumi.Output.all(hf_token).apply(lambda t: t[0] is not None))
