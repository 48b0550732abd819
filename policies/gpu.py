"""GPU/accelerator facts per instance type, from the compact CSV in ``policies/data/``.

Stdlib only (checkov's venv imports it). Loaded once, lazily. SageMaker ``ml.*`` types map to
their EC2 twin (``ml.g5.xlarge`` → ``g5.xlarge``; ``ml.p4d.24xlarge`` → ``p4d.24xlarge``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "gpu_specs.csv"
PROVENANCE = "karpenter instance-types docs @ 692ccdd0629e (2026-07-11); ec2instances.info gpu_data.go @ 4fb36180bfd9"


@dataclass(frozen=True)
class GpuSpec:
    instance_type: str
    gpu_count: Decimal
    gpu_model: str
    gpu_memory_gib: Decimal | None  # per device
    gpu_memory_total_gib: Decimal | None
    accelerator_kind: str  # nvidia_gpu, amd_gpu, aws_neuron, habana_gaudi, qualcomm_accelerator
    family: str
    arch: str = "amd64"


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


@lru_cache(maxsize=1)
def all_specs() -> dict[str, GpuSpec]:
    with DATA.open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    specs = {}
    for row in csv.DictReader(lines):
        specs[row["instance_type"]] = GpuSpec(
            instance_type=row["instance_type"],
            gpu_count=_dec(row["gpu_count"]) or Decimal(0),
            gpu_model=row["gpu_model"],
            gpu_memory_gib=_dec(row["gpu_memory_gib"]),
            gpu_memory_total_gib=_dec(row["gpu_memory_total_gib"]),
            accelerator_kind=row["accelerator_kind"],
            family=row["family"],
            arch=row.get("arch") or "amd64",
        )
    return specs


def ec2_twin(instance_type: str) -> str:
    """``ml.g5.xlarge`` → ``g5.xlarge``; other names unchanged."""
    return instance_type[3:] if instance_type.startswith("ml.") else instance_type


def gpu_spec(instance_type: object) -> GpuSpec | None:
    """The GPU facts of a type, or None when it has no GPU/accelerator (or is not a string)."""
    if not isinstance(instance_type, str):
        return None
    return all_specs().get(ec2_twin(instance_type.strip()))


def is_gpu_type(instance_type: object) -> bool:
    return gpu_spec(instance_type) is not None


def gpu_types_in(value: object) -> list[str]:
    """Every GPU instance type in a value: a string, or nested in a list or map (a variable default)."""
    if isinstance(value, str):
        return [value] if is_gpu_type(value) else []
    if isinstance(value, dict):
        return [t for v in value.values() for t in gpu_types_in(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in gpu_types_in(v)]
    return []
