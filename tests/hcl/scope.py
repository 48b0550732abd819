"""A fixed root scope for evaluator tests: names to values, an unknown name an EvalError."""

from __future__ import annotations

from typing import Any

from estimator.hcl.evaluator import EvalError


class Scope:
    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names

    def root(self, name: str, pos: Any) -> Any:
        if name not in self.names:
            raise EvalError(f'unknown name "{name}"', None)
        return self.names[name]
