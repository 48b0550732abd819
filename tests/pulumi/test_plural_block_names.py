"""pulumi-aws names a repeatable Terraform block in the plural (``ebs_block_devices`` for
``ebs_block_device`` blocks); the rename tables give pricing and the rules Terraform's names.

The table is pinned against pulumi-aws itself: every list-typed input of a type costrail knows
whose singular is a name the pricing or the rules read must be renamed (QA pulumi_plural_block_names).
"""

from __future__ import annotations

import importlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from estimator.loaders import LoadOptions, load_project
from estimator.pricing.engine import price_project
from estimator.pulumi_types import (
    BLOCKS,
    KNOWN_TOKENS,
    NESTED_BLOCKS,
    NESTED_RENAMES,
    NESTED_RENAMES_BY_TYPE,
    RENAMES,
    terraform_type,
)

REPO = Path(__file__).resolve().parent.parent.parent
PROGRAMS = REPO / "tests" / "fixtures" / "pulumi" / "programs"
READERS = [*sorted((REPO / "estimator" / "resources").rglob("*.py")), *sorted((REPO / "policies" / "rules").glob("*.py")),
           REPO / "policies" / "context.py"]
# Plural in Terraform too: no rename.
# Renames that are not plurals: lambda's code archive, a REST API reference (pulumi ``rest_api``).
NOT_PLURAL = {"code", "rest_api"}
SAME_IN_TERRAFORM = {("aws_eks_node_group", "instance_types"), ("aws_budgets_budget", "values"),
                     ("aws_ce_anomaly_subscription", "values"),
                     ("aws_s3_bucket", "rules"),  # replication_configuration { rules { … } }
                     ("aws_api_gateway_rest_api", "vpc_endpoint_ids"),  # endpoint_configuration { vpc_endpoint_ids }
                     ("aws_ecs_cluster_capacity_providers", "capacity_providers"),
                     # ACFP request_inspection address_fields { identifiers = [...] }: a list of strings
                     # (pricing reads an RDS instance's ``identifier`` to link a read replica to its source)
                     ("aws_wafv2_web_acl", "identifiers"),
                     # customized_metric_specification { metrics { ... } }, replication destination { metrics }
                     ("aws_appautoscaling_policy", "metrics"), ("aws_autoscaling_policy", "metrics"),
                     ("aws_s3_bucket", "metrics")}


def _read_names() -> set[str]:
    """Every attribute name (path step) written as a string in the pricing modules and the rules,
    and the Terraform block names costrail declares (``BLOCKS``, ``NESTED_BLOCKS``)."""
    names: set[str] = set().union(*BLOCKS.values()) | NESTED_BLOCKS
    for path in READERS:
        for literal in re.findall(r"\"([a-z][a-z0-9_.]*)\"", path.read_text(encoding="utf-8")):
            names.update(literal.split("."))
    return names


def _singulars(name: str) -> list[str]:
    out = [name[:-3] + "y"] if name.endswith("ies") else []
    if name.endswith(("ses", "xes", "ches", "shes")):
        out.append(name[:-2])
    return [*out, name[:-1]]


def _plural_inputs() -> set[tuple[str, bool, str, str]]:
    """(terraform type, nested?, pulumi name, singular) of list inputs whose singular is read."""
    pytest.importorskip("pulumi_aws")
    from pulumi import _types

    read = _read_names()
    found: set[tuple[str, bool, str, str]] = set()
    for token in KNOWN_TOKENS:
        _pkg, mod_path, type_name = token.split(":")
        module = mod_path.split("/")[0]
        mod = importlib.import_module(f"pulumi_aws.{'lambda_' if module == 'lambda' else module}")
        inputs = importlib.import_module(f"{mod.__name__}._inputs")
        todo: list[tuple[Any, bool]] = [(getattr(mod, f"{type_name}Args"), False)]
        seen: set[str] = set()
        while todo:
            cls, nested = todo.pop()
            if cls.__name__ in seen:
                continue
            seen.add(cls.__name__)
            for py_name, _pulumi_name, prop in _types._py_properties(cls):
                hint = str(getattr(prop.fget, "__annotations__", {}).get("return"))
                todo.extend((getattr(inputs, arg), True) for arg in re.findall(r"'(\w+Args)'", hint)
                            if hasattr(inputs, arg))
                if "Sequence[" not in hint or not py_name.endswith("s"):
                    continue
                singular = next((s for s in _singulars(py_name) if s in read), None)
                if singular is not None:
                    found.add((terraform_type(token), nested, py_name, singular))
    return found


def test_every_plural_block_name_read_by_pricing_or_rules_is_renamed() -> None:
    missing = []
    for tf_type, nested, name, singular in sorted(_plural_inputs()):
        if (tf_type, name) in SAME_IN_TERRAFORM:
            continue
        table = {**NESTED_RENAMES, **NESTED_RENAMES_BY_TYPE.get(tf_type, {})} if nested else RENAMES.get(tf_type, {})
        if table.get(name) != singular:
            missing.append(f"{tf_type}: {'nested ' if nested else ''}{name} -> {singular}")
    assert not missing, missing


def test_the_rename_tables_are_what_pulumi_aws_needs() -> None:
    """Pins the tables to the comparison both ways: no plural is left out, no rename is stale."""
    found = {(t, nested, n) for t, nested, n, _ in _plural_inputs() if (t, n) not in SAME_IN_TERRAFORM}
    table = {(t, False, n) for t, renames in RENAMES.items() for n in renames if n not in NOT_PLURAL}
    table |= {(t, True, n) for t, nested in NESTED_RENAMES_BY_TYPE.items() for n in nested}
    global_nested = {n for t, nested, n in found if nested and n in NESTED_RENAMES}
    assert global_nested == set(NESTED_RENAMES)
    assert {f for f in found if not (f[1] and f[2] in NESTED_RENAMES)} == table


def test_plural_blocks_are_priced_like_terraform() -> None:
    project = load_project(str(PROGRAMS / "plural_blocks"), LoadOptions())
    assert not project.errors, project.errors
    res = {r.address: r for r in project.resources}
    assert res["db"].attributes["ebs_block_device"][0]["volume_size"] == 1000
    assert "ebs_block_devices" not in res["db"].attributes
    assert res["gw:aws_ecs_service"].attributes["capacity_provider_strategy"][0]["capacity_provider"] == "FARGATE"
    assert res["train"].get("compute_resources.instance_type") == ["p4d.24xlarge"]
    costed = {c.address: c for c in price_project(project, None)}
    db = costed["db"]
    gp2 = [c for c in db.components if "gp2" in c.name]
    assert gp2 and gp2[0].quantity == Decimal(1000), [c.name for c in db.components]
    assert costed["gw:aws_ecs_service"].status == "priced"
    assert costed["gw:aws_ecs_service"].monthly_cost > 0
