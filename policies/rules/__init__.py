"""The rule registry: an explicit tuple of rule modules (no registration by import side effect)."""

from __future__ import annotations

from types import ModuleType

from policies.rules import (
    api_unthrottled_ai,
    budget_increase,
    budget_missing_for_gpu,
    ebs_gp2,
    gpu_cpu_scaling_metric,
    gpu_memory_oversized_for_model,
    gpu_notebook_idle_stop,
    gpu_on_demand_training,
    gpu_oversized_default,
    gpu_previous_generation,
    gpu_unbounded_scaling,
    log_retention,
    tag_ai_taxonomy,
    tag_not_propagated,
    tag_required_missing,
    tag_value_not_allowed,
)

RULES: tuple[ModuleType, ...] = (
    gpu_oversized_default,
    gpu_on_demand_training,
    gpu_unbounded_scaling,
    gpu_cpu_scaling_metric,
    gpu_previous_generation,
    gpu_notebook_idle_stop,
    gpu_memory_oversized_for_model,
    tag_required_missing,
    tag_value_not_allowed,
    tag_not_propagated,
    tag_ai_taxonomy,
    api_unthrottled_ai,
    budget_missing_for_gpu,
    budget_increase,
    ebs_gp2,
    log_retention,
)

BY_ID: dict[str, ModuleType] = {rule.ID: rule for rule in RULES}
