"""A policy finding: one rule's verdict on one resource (or on the stack)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from estimator.model import Location

SEVERITIES = ("low", "medium", "high", "critical")
ENFORCEMENTS = ("advisory", "mandatory", "disabled")


@dataclass
class Finding:
    """``monthly_saving`` is None where no saving can be computed honestly."""

    rule: str
    severity: str
    enforcement: str
    address: str
    message: str
    location: Location | None = None
    monthly_saving: Decimal | None = None
    project: str = ""
    suppressed: bool = False
    suppression_reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity across base and head of a change (line numbers move; addresses do not)."""
        return (self.project, self.rule, self.address)

    def to_json(self) -> dict[str, Any]:
        from estimator.cost_model import money

        data: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "enforcement": self.enforcement,
            "address": self.address,
            "message": self.message,
            "location": self.location.to_json() if self.location else None,
            "monthly_saving": money(self.monthly_saving) if self.monthly_saving is not None else None,
        }
        if self.project:
            data["project"] = self.project
        if self.suppressed:
            data["suppressed"] = True
            data["suppression_reason"] = self.suppression_reason
        data.update(self.extra)
        return data
