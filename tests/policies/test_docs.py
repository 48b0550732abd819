"""docs/policies/ is generated from the rules; this fails when a rule changed and the docs did not."""

from __future__ import annotations

from policies.docs import DOCS_DIR, expected_docs


def test_docs_are_fresh() -> None:
    pages = expected_docs()
    stale = [p.name for p, text in pages.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    extra = [p.name for p in DOCS_DIR.glob("*.md") if p not in pages]
    assert not stale and not extra, (
        f"stale docs {stale}, extra {extra}: run `python scripts/gen_policy_docs.py`")


def test_every_rule_page_has_examples() -> None:
    for path, text in expected_docs().items():
        if path.name != "README.md":
            assert "Fails" in text and "Passes" in text and "## How to fix" in text
