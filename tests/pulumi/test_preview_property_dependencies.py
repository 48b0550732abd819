"""A preview links resources whose ids are unknown through `newState.propertyDependencies`."""

from __future__ import annotations

import json
from pathlib import Path

from estimator.loaders import LoadOptions, load_project
from estimator.model import Unknown
from estimator.pricing.engine import price_project
from policies.prices import instance_hourly

PREVIEW = Path(__file__).resolve().parent.parent / "fixtures" / "pulumi" / "preview"
HOURS = 730


def _priced(path: Path) -> dict[str, object]:
    project = load_project(str(path), LoadOptions())
    assert not project.errors
    return {c.address: c for c in price_project(project, None)}


def test_unknown_ids_link_through_property_dependencies() -> None:
    project = load_project(str(PREVIEW / "property-dependencies.json"), LoadOptions())
    res = {r.address: r for r in project.resources}
    ref = res["ep-big"].attributes["endpoint_config_name"]
    assert isinstance(ref, Unknown) and ref.ref == "big"
    assert res["asg-h100"].get("launch_template.id").ref == "lt-h100"


def test_linked_resources_price_like_the_program() -> None:
    costs = _priced(PREVIEW / "property-dependencies.json")
    # linked (an unlinked template is unpriced); partial: the template sets no disks, the AMI's root volume is unpriced
    assert costs["asg-a10"].status == "partial" and "comes from the AMI" in (costs["asg-a10"].reason or "")
    assert costs["asg-a10"].monthly_cost == 2 * instance_hourly("g5.xlarge", "us-east-1") * HOURS
    assert costs["asg-h100"].monthly_cost == 1 * instance_hourly("p5.48xlarge", "us-east-1") * HOURS
    assert costs["ep-small"].status == "priced" and costs["ep-big"].status == "priced"
    assert costs["small"].status == "free" and costs["big"].status == "free"


def test_a_known_id_links_to_the_resource_with_that_id(tmp_path: Path) -> None:
    """An existing launch template: its id is known, and the ASG's input holds it."""
    doc = json.loads((PREVIEW / "property-dependencies.json").read_text())
    for step in doc["steps"]:
        state = step["newState"]
        if state["urn"].endswith("::lt-h100"):
            state["id"] = "lt-0123456789abcdef0"
        if state["urn"].endswith("::asg-h100"):
            state["inputs"]["launchTemplate"]["id"] = "lt-0123456789abcdef0"
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(doc, indent=2))
    assert _priced(path)["asg-h100"].status == "partial"  # linked; the template's AMI root volume is unpriced


def test_without_property_dependencies_an_unknown_link_stays_unpriced(tmp_path: Path) -> None:
    doc = json.loads((PREVIEW / "property-dependencies.json").read_text())
    for step in doc["steps"]:
        step["newState"].pop("propertyDependencies", None)
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(doc, indent=2))
    costs = _priced(path)
    assert costs["asg-a10"].status == "unpriced" and costs["ep-big"].status == "unpriced"
