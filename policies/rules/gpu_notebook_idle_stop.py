"""CR-GPU-006 — GPU notebook without an idle auto-stop lifecycle configuration.

Trigger: an ``aws_sagemaker_notebook_instance`` with a GPU ``ml.*`` type and either no
``lifecycle_config_name``, or one naming an
``aws_sagemaker_notebook_instance_lifecycle_configuration`` whose ``on_start``/``on_create``
script (base64, as the provider takes it) does not mention an idle stop (``idle``,
``autostop`` or ``stop-notebook-instance``). A script that is not known offline is not judged.

Fails:

```hcl
resource "aws_sagemaker_notebook_instance" "fail_nb" {
  instance_type = "ml.g5.2xlarge"
}
```

Passes:

```hcl
resource "aws_sagemaker_notebook_instance" "pass_nb" {
  instance_type         = "ml.g5.2xlarge"
  lifecycle_config_name = aws_sagemaker_notebook_instance_lifecycle_configuration.autostop.name
}
```
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from policies.context import RuleContext
from policies.finding import Finding

ID = "CR-GPU-006"
TITLE = "GPU notebook without idle auto-stop"
SEVERITY = "medium"
DEFAULT_ENFORCEMENT = "advisory"
PARAMS: dict[str, object] = {"idle_markers": ["idle", "autostop", "auto-stop", "stop-notebook-instance"]}
WHY = (
    "Notebooks are opened for an hour and left running for a month. A GPU notebook bills every hour it is "
    "InService; an idle auto-stop script is the standard guard."
)
FIX = (
    "Attach a lifecycle configuration whose on_start installs the SageMaker idle auto-stop script "
    "(aws-samples/amazon-sagemaker-notebook-instance-lifecycle-config-samples, `auto-stop-idle`)."
)


def _script(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return value


def check(ctx: RuleContext) -> Iterator[Finding]:
    markers = [str(m).lower() for m in ctx.params.get("idle_markers") or []]  # type: ignore[union-attr]
    for res in ctx.managed("aws_sagemaker_notebook_instance"):
        gpu = ctx.gpu_types(res)
        if not gpu:
            continue
        name = res.attributes.get("lifecycle_config_name")
        if not name:
            yield ctx.finding(res, f"GPU notebook ({gpu[0][1]}) has no lifecycle configuration to stop it when idle")
            continue
        config = ctx.resolve_ref(name, "aws_sagemaker_notebook_instance_lifecycle_configuration")
        if config is None:
            continue
        scripts = [_script(config.attributes.get(k)) for k in ("on_start", "on_create")]
        known = [s for s in scripts if s is not None]
        if known and not any(m in s.lower() for s in known for m in markers):
            yield ctx.finding(res, f"GPU notebook ({gpu[0][1]}) lifecycle configuration {config.address} has no "
                                   f"idle auto-stop")
