"""Regenerate docs/policies/*.md from the rule modules: `python scripts/gen_policy_docs.py`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policies.docs import DOCS_DIR, expected_docs  # noqa: E402


def main() -> int:
    DOCS_DIR.mkdir(parents=True, exist_ok=True)
    pages = expected_docs()
    for path, text in pages.items():
        path.write_text(text, encoding="utf-8")
    stale = [p for p in DOCS_DIR.glob("*.md") if p not in pages]
    for path in stale:
        path.unlink()
    print(f"wrote {len(pages)} pages to {DOCS_DIR}" + (f", removed {len(stale)} stale" if stale else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
