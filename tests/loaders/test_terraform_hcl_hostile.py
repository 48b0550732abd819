"""Hostile and mistaken input never crashes or hangs the reader: each problem is a clear
diagnostic with a line. Inputs are generated into tmp_path (no giant fixtures in the repo);
the mutation runs use fixed seeds so a failure reproduces.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from estimator.errors import InputError
from estimator.loaders import LoadOptions
from estimator.loaders.terraform_hcl import MAX_INSTANCES, load, root_outputs
from estimator.model import Project, Unknown
from tests.conftest import FIXTURES
from tests.loaders.test_terraform_hcl_fuzz import mutate


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _load(root: Path) -> Project:
    return load(str(root), LoadOptions(environ={}))


def _errors(project: Project) -> list[str]:
    return [str(d) for d in project.diagnostics if d.severity == "error"]


REALISTIC_TARGETS = [
    ("eks_managed_node_group", "modules/eks-managed-node-group/main.tf"),
    ("eks_managed_node_group", "main.tf"),
    ("sagemaker_endpoint", "main.tf"),
    ("opensearch_serverless", "main.tf"),
]


@pytest.mark.parametrize(("fixture", "name"), REALISTIC_TARGETS)
def test_mutated_real_world_modules_never_crash(tmp_path: Path, fixture: str, name: str) -> None:
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / "realistic" / fixture, root)
    if fixture == "sagemaker_endpoint":
        root = root / "examples" / "basic"
        name = "../../" + name
    original = (root / name).read_text(encoding="utf-8")
    rng = random.Random(f"realistic/{fixture}/{name}")
    for _ in range(12):
        (root / name).write_text(mutate(original, rng), encoding="utf-8")
        try:
            project = _load(root)
        except InputError:
            continue
        assert all(str(d) and d.location is not None for d in project.diagnostics)


def test_very_long_line_is_read(tmp_path: Path) -> None:
    blob = "x" * 1_000_000
    root = _write(tmp_path, {"main.tf": f'resource "aws_instance" "a" {{\n  instance_type = "t3.micro"\n'
                                        f'  user_data = "{blob}"\n}}\n'})
    project = _load(root)
    assert not _errors(project)
    assert len(project.resources[0].attributes["user_data"]) == 1_000_000


def test_hundred_thousand_element_list_is_capped_not_expanded(tmp_path: Path) -> None:
    items = ", ".join(str(i) for i in range(100_000))
    root = _write(tmp_path, {"main.tf": f"locals {{\n  xs = [{items}]\n}}\n"
                             'resource "aws_instance" "each" {\n  for_each = toset([for x in local.xs : tostring(x)])\n'
                             '  instance_type = "t3.micro"\n}\n'
                             'resource "aws_instance" "count" {\n  count = length(local.xs)\n  instance_type = "t3.micro"\n}\n'
                             'resource "aws_instance" "one" {\n  tags = { total = sum(local.xs) }\n}\n'})
    project = _load(root)
    errors = _errors(project)
    assert any("main.tf:5" in e and f"over the limit of {MAX_INSTANCES}" in e for e in errors), errors
    assert any("main.tf:9" in e and "count 100000 is over the limit" in e for e in errors), errors
    assert [r.address for r in project.resources] == ["aws_instance.one"]
    assert project.resources[0].tags["total"].value == str(sum(range(100_000)))


def test_huge_counts_are_capped_with_a_readable_number(tmp_path: Path) -> None:
    root = _write(tmp_path, {"main.tf": 'resource "aws_instance" "a" {\n  count = 1000000000\n}\n'
                                        'resource "aws_instance" "b" {\n  count = 1e300\n}\n'})
    errors = _errors(_load(root))
    assert any("count 1000000000 is over the limit" in e for e in errors), errors
    assert any("count 1e+300 is over the limit" in e and len(e) < 200 for e in errors), errors


def test_deeply_nested_modules_stop_at_the_depth_limit(tmp_path: Path) -> None:
    files = {}
    for depth in range(40):
        prefix = "m/" * depth
        files[prefix + "main.tf"] = ('module "m" {\n  source = "./m"\n}\n' if depth < 39
                                     else 'resource "aws_instance" "leaf" {\n  instance_type = "g5.xlarge"\n}\n')
    project = _load(_write(tmp_path, files))
    assert any("module nesting deeper than" in e for e in _errors(project))
    assert not project.resources


def test_module_calling_its_own_directory_is_an_error(tmp_path: Path) -> None:
    root = _write(tmp_path, {"main.tf": 'module "self" {\n  source = "./"\n}\n'
                                        'resource "aws_instance" "a" {\n  instance_type = "t3.micro"\n}\n'})
    project = _load(root)
    assert any("recursive modules" in e and "main.tf:1" in e for e in _errors(project))
    assert [r.address for r in project.resources] == ["aws_instance.a"]


def test_exponentially_shared_local_is_refused(tmp_path: Path) -> None:
    lines = ["locals {"] + [f"  l{i} = [local.l{i + 1}, local.l{i + 1}]" for i in range(40)] + ['  l40 = "x"', "}"]
    lines += ['resource "aws_instance" "a" {', '  instance_type = "t3.micro"', "  user_data = jsonencode(local.l0)", "}"]
    project = _load(_write(tmp_path, {"main.tf": "\n".join(lines) + "\n"}))
    assert any("is too large" in e for e in _errors(project)), project.diagnostics
    assert isinstance(project.resources[0].attributes["user_data"], Unknown)


def test_catastrophic_regex_is_unknown_not_a_hang(tmp_path: Path) -> None:
    root = _write(tmp_path, {"main.tf": 'output "r" {\n  value = regexall("(a|aa)+$", "' + "a" * 60 + '!")\n}\n'
                                        'output "ok" {\n  value = regex("[0-9]+", "gpu-16x")\n}\n'})
    outputs, project = root_outputs(str(root), LoadOptions(environ={}))
    assert isinstance(outputs["r"], Unknown) and "linear time" in outputs["r"].reason
    assert outputs["ok"] == "16"
    assert not _errors(project)


@pytest.mark.parametrize("text", [
    "locals {\n  x = " + "[" * 3000 + "]" * 3000 + "\n}\n",
    "locals {\n  x = " + "(" * 3000 + "1" + ")" * 3000 + "\n}\n",
    "locals {\n  x = <<EOT\nnever closed\n",
    'resource "aws_instance" "a" {\n  tags = { for k, v in {a = 1} : k => v... }\n',
    "variable \"v\" {\n  type = " + "list(" * 500 + "string" + ")" * 500 + "\n}\n",
])
def test_malformed_or_deep_syntax_is_a_diagnostic(tmp_path: Path, text: str) -> None:
    try:
        project = _load(_write(tmp_path, {"main.tf": text}))
    except InputError as err:
        assert err.location is not None
        return
    assert _errors(project)


def test_binary_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_bytes(bytes(range(256)))
    (tmp_path / "ok.tf").write_text('resource "aws_instance" "a" {\n  instance_type = "t3.micro"\n}\n')
    project = _load(tmp_path)
    assert any("main.tf" in e for e in _errors(project))
    assert [r.address for r in project.resources] == ["aws_instance.a"]


def test_set_functions_on_large_lists_are_linear(tmp_path: Path) -> None:
    # setintersection/setsubtract/distinct used to compare every pair: 20k x 20k would not finish.
    root = _write(tmp_path, {"main.tf": 'locals {\n  xs = [for i in range(1000) : tostring(i)]\n'
                                        "  big = flatten([for j in range(20) : [for x in local.xs : \"${j}-${x}\"]])\n}\n"
                                        'output "n" {\n  value = [length(setintersection(local.big, local.big)), '
                                        "length(setsubtract(local.big, local.xs)), length(distinct(concat(local.big, local.big)))]\n}\n"})
    outputs, project = root_outputs(str(root), LoadOptions(environ={}))
    assert not _errors(project)
    assert outputs["n"] == [20_000, 20_000, 20_000]


def _random_value(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 3 or roll < 0.35:
        return rng.choice(['"x"', "1", "0", "-2.5", "true", "false", "null", '"g5.xlarge"', '""', '"10.0.0.0/16"'])
    if roll < 0.65:
        return "[" + ", ".join(_random_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))) + "]"
    keys = ["instance_types", "min_size", "max_size", "taints", "disk", "labels", "name", "az", "cidr", "tier",
            "instance", "count", "enabled", "key", "value", "size"]
    return "{" + ", ".join(f"{rng.choice(keys)} = {_random_value(rng, depth + 1)}"
                           for _ in range(rng.randrange(0, 4))) + "}"


@pytest.mark.parametrize(("root", "names"), [
    ("hcl/idioms", ["node_groups", "subnets", "models", "enable_nat", "env"]),
    ("realistic/eks_managed_node_group", ["eks_managed_node_groups", "eks_managed_node_group_defaults"]),
])
def test_values_of_the_wrong_type_never_crash(root: str, names: list[str]) -> None:
    # -var values of random shapes into typed variables and the modules that consume them.
    rng = random.Random(root)
    for _ in range(25):
        given = {n: _random_value(rng) for n in names if rng.random() < 0.7}
        try:
            project = load(str(FIXTURES / root), LoadOptions(environ={}, vars=given))
        except InputError:
            continue
        assert all(str(d) for d in project.diagnostics)
