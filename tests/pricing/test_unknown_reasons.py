"""An unknown attribute is unpriced with the Unknown's own reason, not always "known only after apply".

A secret config value, a variable with no value or an expression costrail could not evaluate is
known at plan or preview time; saying "after apply" sends the reader to wait instead of giving
the value (QA secret_config_reason).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from estimator.loaders import LoadOptions, load_project
from estimator.model import Unknown
from estimator.pricing.engine import price_project
from estimator.resources.aws._base import unknown_reason

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pricing" / "unknown_reasons"

# Every kind of Unknown reason the loaders and the HCL evaluator produce → the unpriced reason.
READS = [
    # computed at apply, in all its spellings: the generic wording
    ("known after apply", "instance_type is known only after apply"),
    ("known after apply (preview)", "instance_type is known only after apply"),
    ("name known after apply (auto-named)", "instance_type is known only after apply"),
    ("id known after apply", "instance_type is known only after apply"),
    ("ARN known after apply", "instance_type is known only after apply"),
    ("aws_launch_template.lt.instance_type is known only after apply", "instance_type is known only after apply"),
    ("lookup() of a value known only after apply", "instance_type is known only after apply"),
    ("resource reference", "instance_type is known only after apply"),
    ("", "instance_type is known only after apply"),
    # known before apply, but not to costrail offline: say why
    ("secret config p_secret:instanceType",
     "instance_type is unknown: secret config p_secret:instanceType cannot be decrypted offline "
     "(give it a non-secret value to price it)"),
    ("secret", "instance_type is unknown: it is a secret, which cannot be read offline"),
    ("var.gpu_type has no value", "instance_type is unknown: var.gpu_type has no value (set it with --var or --var-file)"),
    ("var.gpu_type has no value (module argument missing)",
     "instance_type is unknown: var.gpu_type has no value (module argument missing)"),
    ("var.gpu_type has an invalid value", "instance_type is unknown: var.gpu_type has an invalid value"),
    ("local.itype could not be evaluated", "instance_type is unknown: local.itype could not be evaluated"),
    ("module.net is not available (unresolved)", "instance_type is unknown: module.net is not available (unresolved)"),
    ("output itype of stack infra/prod", "instance_type is unknown: output itype of stack infra/prod"),
    ("result of aws:ssm/getParameter:getParameter (get_parameter)",
     "instance_type is unknown: result of aws:ssm/getParameter:getParameter (get_parameter)"),
    ("value of type Foo", "instance_type is unknown: the program passes a value of type Foo, which cannot be read offline"),
    ("ephemeral resources are opened during plan and apply; their values are unknown",
     "instance_type is unknown: ephemeral resources are opened during plan and apply; their values are unknown"),
    ("provider region comes from var.region, which the plan does not record",
     "instance_type is unknown: provider region comes from var.region, which the plan does not record"),
]


@pytest.mark.parametrize(("reason", "expected"), READS)
def test_unknown_reason_reads_well(reason: str, expected: str) -> None:
    assert unknown_reason("instance_type", Unknown(reason)) == expected


def _reasons(path: Path, **options: str) -> dict[str, tuple[str, str | None]]:
    project = load_project(str(path), LoadOptions(environ={}, **options))
    return {c.address: (c.status, c.reason) for c in price_project(project, None)}


def test_terraform_variable_without_value_names_the_variable() -> None:
    assert _reasons(FIXTURE / "hcl") == {
        "aws_instance.from_var": ("unpriced", "instance_type is unknown: var.gpu_type has no value "
                                              "(set it with --var or --var-file)"),
        "aws_instance.from_data": ("unpriced", "instance_type is known only after apply"),
        "aws_lambda_function.embed": ("unpriced", "memory_size is unknown: var.memory has no value "
                                                  "(set it with --var or --var-file)"),
        # the per-type modules say the same (node groups, SageMaker variants, ASGs, ECS, ElastiCache)
        "aws_eks_node_group.gpu": ("unpriced", "instance_type is unknown: var.gpu_type has no value "
                                               "(set it with --var or --var-file)"),
        "aws_sagemaker_endpoint_configuration.llm": ("free", "instances billed on aws_sagemaker_endpoint.llm"),
        "aws_sagemaker_endpoint.llm": ("unpriced", "instance_type is unknown: var.gpu_type has no value "
                                                   "(set it with --var or --var-file)"),
    }


def test_pulumi_secret_config_names_the_key_never_the_ciphertext() -> None:
    (status, reason), = _reasons(FIXTURE / "pulumi", stack="dev").values()
    assert status == "unpriced"
    assert reason == ("instance_type is unknown: secret config p_secret:instanceType cannot be decrypted offline "
                      "(give it a non-secret value to price it)")
