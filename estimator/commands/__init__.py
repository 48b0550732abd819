"""One module per CLI command; the CLI imports them lazily through these names."""

from __future__ import annotations

from typing import Any


def run_breakdown(paths: list[str], **kwargs: Any) -> int:
    from estimator.commands.breakdown import run

    return run(paths, **kwargs)


def run_check(paths: list[str], **kwargs: Any) -> int:
    from estimator.commands.check import run

    return run(paths, **kwargs)


def run_diff(paths: list[str], **kwargs: Any) -> int:
    from estimator.commands.diff import run

    return run(paths, **kwargs)


def run_comment_github(**kwargs: Any) -> int:
    from estimator.commands.comment import run

    return run(**kwargs)


def run_usage_init(paths: list[str], **kwargs: Any) -> int:
    from estimator.commands.usage_init import run

    return run(paths, **kwargs)


def run_policies_list(**kwargs: Any) -> int:
    from estimator.commands.policies_list import run

    return run(**kwargs)
