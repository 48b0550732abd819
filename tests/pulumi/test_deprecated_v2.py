"""Deprecated ``*V2`` tokens (``aws:s3/bucketVersioningV2:BucketVersioningV2``) read as their
non-V2 type, as pulumi-aws itself says they are; V2 types of their own keep their name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from estimator.loaders import LoadOptions, load_project
from estimator.pricing.engine import price_project
from estimator.pulumi_types import DEPRECATED_V2, terraform_type

PROGRAMS = Path(__file__).resolve().parent.parent / "fixtures" / "pulumi" / "programs"
NOTICE = re.compile(r'"""aws\.(\w+)/\w+\.(\w+)(?i:v2) has been deprecated in favor of aws\.(\w+)/\w+\.(\w+)"""')


def _token(module: str, type_name: str) -> str:
    return f"aws:{module}/{type_name[0].lower()}{type_name[1:]}:{type_name}"


def test_table_is_every_v2_pulumi_aws_deprecates_for_its_non_v2_type() -> None:
    pulumi_aws = pytest.importorskip("pulumi_aws")
    found = set()
    for path in Path(pulumi_aws.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "has been deprecated in favor of" not in text:
            continue
        for module, name, new_module, new_name in NOTICE.findall(text):
            if new_module == module and new_name == name:
                v2 = re.search(rf'type_token\("(aws:{module}/\w+:{name}[vV]2)"\)', text)
                if v2:
                    found.add(v2.group(1))
    assert found == DEPRECATED_V2
    for token in found:
        replacement = _token(token.split(":")[1].split("/")[0], token.rsplit(":", 1)[1][:-2])
        assert terraform_type(token) == terraform_type(replacement)


@pytest.mark.parametrize(("token", "tf_type"), [
    ("aws:s3/bucketVersioningV2:BucketVersioningV2", "aws_s3_bucket_versioning"),
    ("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
     "aws_s3_bucket_server_side_encryption_configuration"),
    ("aws:s3/bucketV2:BucketV2", "aws_s3_bucket"),
    ("aws:s3/bucketObjectv2:BucketObjectv2", "aws_s3_object"),
    ("aws:securityhub/accountV2:AccountV2", "aws_securityhub_account_v2"),  # a type of its own
])
def test_v2_tokens(token: str, tf_type: str) -> None:
    assert terraform_type(token) == tf_type


def test_a_program_with_v2_resources_is_priced_like_the_non_v2_types() -> None:
    project = load_project(str(PROGRAMS / "v2_tokens"), LoadOptions())
    assert not project.errors
    types = {r.address: r.type for r in project.resources}
    assert types["data-versioning"] == "aws_s3_bucket_versioning"
    assert types["data-sse"] == "aws_s3_bucket_server_side_encryption_configuration"
    status = {c.address: c.status for c in price_project(project, None)}
    assert status["data-versioning"] == "free"
    assert status["data-sse"] == "free"
