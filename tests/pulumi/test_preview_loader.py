"""`pulumi preview --json` and `pulumi stack export` files read like programs."""

from __future__ import annotations

from pathlib import Path

from estimator.loaders import LoadOptions, detect_source, load_project
from estimator.model import SOURCE_PULUMI_PREVIEW, Location, Unknown

PREVIEW = Path(__file__).resolve().parent.parent / "fixtures" / "pulumi" / "preview"


def test_detected_as_pulumi_preview() -> None:
    assert detect_source(str(PREVIEW / "preview.json")) == SOURCE_PULUMI_PREVIEW
    assert detect_source(str(PREVIEW / "stack-export.json")) == SOURCE_PULUMI_PREVIEW


def test_preview_steps() -> None:
    project = load_project(str(PREVIEW / "preview.json"), LoadOptions())
    assert not project.diagnostics
    res = {r.address: r for r in project.resources}
    assert sorted(res) == ["llm-config", "workers/worker-0"]  # deleted old-box is gone, stack/component skipped
    worker = res["workers/worker-0"]
    assert worker.type == "aws_instance"
    assert worker.origin == SOURCE_PULUMI_PREVIEW
    assert worker.parent == "workers"
    assert worker.get("root_block_device.volume_size") == 200
    assert isinstance(worker.attributes["subnet_id"], Unknown)
    assert worker.region == "us-west-2" and worker.provider == "west"
    assert worker.tags["cost-center"].value == "research"
    assert worker.tags["cost-center"].source == "default_tags"
    assert worker.location == Location("preview.json", 45)
    config = res["llm-config"]
    assert config.region == "us-east-1"  # aws:region of the preview's config
    assert config.tags["cost-center"].value == "ml-platform"
    assert config.get("production_variants[0].instance_type") == "ml.g5.2xlarge"
    assert isinstance(config.attributes["kms_key_arn"], Unknown)  # a secret


def test_stack_export() -> None:
    project = load_project(str(PREVIEW / "stack-export.json"), LoadOptions(default_region="us-east-1"))
    res = {r.address: r for r in project.resources}
    assert sorted(res) == ["api", "data"]
    assert res["data"].attributes == {"availability_zone": "eu-west-1a", "size": 500, "type": "gp2"}
    assert res["data"].region == "eu-west-1"
    assert res["api"].provider == "aws"  # the CLI's default provider
    assert res["api"].attributes["instance_type"] == "m6i.large"


def test_json_that_is_neither_is_a_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"deployment": {"manifest": {}}}\n', encoding="utf-8")
    project = load_project(str(path), LoadOptions())
    assert project.resources == []
    (err,) = project.errors
    assert "pulumi stack export" in err.message


def test_broken_json_is_a_diagnostic_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"steps": [\n  {"op": "create",\n}\n', encoding="utf-8")
    project = load_project(str(path), LoadOptions())
    (err,) = project.errors
    assert err.location is not None and err.location.file == "broken.json" and err.location.line == 3
