"""CR-BUD-001: a stack with GPUs needs a budget or an anomaly monitor."""

from __future__ import annotations

from tests.policies.helpers import run, where


def test_gpu_stack_without_budget_fails_once() -> None:
    assert where(run("CR-BUD-001")) == {("aws_instance.fail_gpu", "main.tf:5")}


def test_budget_guards_the_stack() -> None:
    assert run("CR-BUD-001", "CR-BUD-001-guarded") == []
