"""A policy finding: one rule's verdict on one resource (or on the stack)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from estimator.model import Location

SEVERITIES = ("low", "medium", "high", "critical")
ENFORCEMENTS = ("advisory", "mandatory", "disabled")
NO_BILL_CHANGE = ("CR-TAG-",)  # rules whose fix changes no bill: a saving of 0, not unknown
STACK_RESOURCES = "gpu_resources"  # the extra of a stack-level finding (CR-BUD-001): the resources it stands for


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
    def saving(self) -> Decimal | None:
        """The monthly saving of the fix: a tag changes no bill, so a tag rule's is 0 (as DESIGN.md's
        CR-TAG-001 example shows); elsewhere None means it cannot be computed honestly."""
        if self.monthly_saving is None and self.rule.startswith(NO_BILL_CHANGE):
            return Decimal(0)
        return self.monthly_saving

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity across base and head of a change (line numbers move; addresses do not). A stack-level
        finding (it lists the resources it stands for) is one per project and rule: its anchor moves when
        a resource is added or removed, and that is no new finding."""
        if STACK_RESOURCES in self.extra:
            return (self.project, self.rule, "")
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
            "monthly_saving": money(saving) if (saving := self.saving) is not None else None,
        }
        if self.project:
            data["project"] = self.project
        data["suppressed"] = self.suppressed  # always there: a reader can test it without .get
        if self.suppressed:
            data["suppression_reason"] = self.suppression_reason
        data.update(self.extra)
        return data
