"""The resource model: Unknown semantics, path reads, JSON forms of money."""

from __future__ import annotations

from decimal import Decimal

from estimator.cost_model import CostComponent, CostedResource, decimal_text, money
from estimator.model import UNKNOWN, Location, Resource, Tag, Unknown, contains_unknown, get_path, is_unknown


def test_unknowns_compare_equal_and_are_falsy() -> None:
    assert Unknown("a") == Unknown("b") == UNKNOWN
    assert not Unknown()
    assert is_unknown(Unknown(ref="aws_launch_template.gpu"))
    assert Unknown(ref="aws_launch_template.gpu").ref == "aws_launch_template.gpu"


def test_contains_unknown_looks_inside_nested_values() -> None:
    assert contains_unknown({"a": [1, {"b": UNKNOWN}]})
    assert not contains_unknown({"a": [1, {"b": 2}]})


def test_get_path_reads_blocks_as_lists_of_one() -> None:
    attrs = {"root_block_device": [{"volume_size": 100}], "tags": {"team": "ml"}, "ebs": [{"a": 1}, {"a": 2}]}
    assert get_path(attrs, "root_block_device.volume_size") == 100
    assert get_path(attrs, "root_block_device[0].volume_size") == 100
    assert get_path(attrs, "ebs[1].a") == 2
    assert get_path(attrs, "ebs[5].a", "missing") == "missing"
    assert get_path(attrs, "tags.team") == "ml"
    assert get_path({"x": UNKNOWN}, "x.y") == UNKNOWN


def test_resource_json_shape() -> None:
    res = Resource(
        address="aws_instance.gpu",
        type="aws_instance",
        name="gpu",
        region="us-east-1",
        tags={"team": Tag("ml", "default_tags", provider="aws")},
        location=Location("main.tf", 12, 3),
    )
    assert res.to_json() == {
        "address": "aws_instance.gpu",
        "type": "aws_instance",
        "region": "us-east-1",
        "tags": {"team": "ml"},
        "location": {"file": "main.tf", "line": 12},
    }
    assert str(res.location) == "main.tf:12:3"


def test_money_is_exact_decimal_text() -> None:
    assert money(Decimal("1.006") * 730) == "734.38"
    assert money(Decimal("0.0225") * 730) == "16.425"
    assert money(Decimal(0)) == "0.00"
    assert decimal_text(Decimal("730.000")) == "730"
    assert decimal_text(Decimal("1E+3")) == "1000"


def test_unpriced_component_never_counts_as_zero() -> None:
    res = Resource(address="aws_instance.x", type="aws_instance", name="x")
    unpriced = CostedResource(
        res,
        [CostComponent("Instance usage", "hours", Decimal(730), None, unpriced_reason="no price")],
        status="unpriced",
    )
    assert unpriced.monthly_cost is None
    priced = CostedResource(res, [CostComponent("Instance usage", "hours", Decimal(730), Decimal("0.096"))])
    assert priced.monthly_cost == Decimal("70.080")
    assert priced.to_json()["components"][0]["monthly_cost"] == "70.08"


def test_lazy_defaults_compute_each_argument_once_on_first_read_and_act_as_the_dict() -> None:
    import pickle

    from estimator.model import DefaultRef, LazyDefaults

    calls: list[str] = []
    ref = (DefaultRef("var.size", "g5.12xlarge", None),)

    def compute(name: str) -> tuple[DefaultRef, ...]:
        calls.append(name)
        return ref if name == "instance_type" else ()

    lazy = LazyDefaults(compute, ("ami", "instance_type", "tags"))
    assert calls == []
    assert lazy.get("instance_type") == ref and lazy.get("instance_type") == ref
    assert calls == ["instance_type"]  # only the argument asked for, once
    assert lazy.get("ami", ()) == () and lazy.get("not_an_argument", ()) == ()
    assert calls == ["instance_type", "ami"]
    assert lazy == {"instance_type": ref} and {"instance_type": ref} == lazy
    assert list(lazy) == ["instance_type"] and len(lazy) == 1
    restored = pickle.loads(pickle.dumps(lazy))
    assert type(restored) is dict and restored == {"instance_type": ref}
