"""Time the Terraform HCL loader on a generated 300-file, ~1.2 MB root module (one run).

Run: .venv/bin/python benchmarks/bench_hcl_load.py [--files 300]
Prints files, bytes, resources, seconds and MB/s; python-hcl2's parser dominates the time.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from estimator.loaders import LoadOptions  # noqa: E402
from estimator.loaders.terraform_hcl import load  # noqa: E402

RESOURCE = '''resource "aws_instance" "i_{f}_{k}" {{
  count         = 2
  ami           = "ami-123456"
  instance_type = var.type_{f}
  subnet_id     = aws_subnet.s_{f}.id
  tags          = merge(local.tags_{f}, {{ Name = "inst-{f}-{k}-${{count.index}}" }})
  root_block_device {{
    volume_size = {size}
    volume_type = "gp3"
  }}
  user_data = <<-EOT
    #!/bin/bash
    echo "hello ${{var.type_{f}}}"
    # comment line to pad the file out a little bit more
  EOT
}}
'''


def write_tree(root: Path, files: int) -> int:
    rng = random.Random(5)
    total = 0
    for f in range(files):
        parts = [
            f'variable "type_{f}" {{\n  type    = string\n  default = "g5.xlarge"\n}}\n',
            f'locals {{\n  tags_{f} = merge({{ team = "ml", idx = "{f}" }}, {{ env = "dev" }})\n}}\n',
        ]
        parts += [RESOURCE.format(f=f, k=k, size=rng.randrange(20, 500)) for k in range(8)]
        parts.append(f'resource "aws_subnet" "s_{f}" {{\n  cidr_block = cidrsubnet("10.0.0.0/8", 16, {f})\n}}\n')
        text = "\n".join(parts)
        (root / f"f{f:03}.tf").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        size = write_tree(Path(tmp), args.files)
        start = time.perf_counter()
        project = load(tmp, LoadOptions(environ={}))
        seconds = time.perf_counter() - start
    print(f"files={args.files} bytes={size} resources={len(project.resources)} "
          f"diagnostics={len(project.diagnostics)} seconds={seconds:.2f} MB/s={size / 1e6 / seconds:.2f}")


if __name__ == "__main__":
    main()
