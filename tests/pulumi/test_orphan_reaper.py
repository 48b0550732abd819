"""Nothing a Pulumi program starts outlives its run, even in a session of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from estimator.loaders import LoadOptions, load_project
from estimator.loaders.orphan_reaper import children_of, reaping_orphans

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_CHILD_SUBREAPER is Linux's")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@linux_only
def test_a_child_in_its_own_session_does_not_outlive_the_run(tmp_path: Path) -> None:
    prog = tmp_path / "prog"
    prog.mkdir()
    (prog / "Pulumi.yaml").write_text("name: orphan\nruntime: python\n", encoding="utf-8")
    (prog / "__main__.py").write_text(
        "import subprocess\nimport pulumi_aws as aws\n"
        'p = subprocess.Popen(["sleep", "300"], start_new_session=True)\n'
        'aws.s3.Bucket("b", tags={"pid": str(p.pid)})\n', encoding="utf-8")
    project = load_project(str(prog), LoadOptions())
    pid = int(project.resources[0].tags["pid"].value)
    assert _gone(pid)


@linux_only
def test_children_from_before_are_left_alone_and_orphans_are_reaped() -> None:
    mine = subprocess.Popen(["sleep", "30"])
    try:
        with reaping_orphans():
            # a double fork: the grandchild is orphaned at once, and adopted here
            out = subprocess.run([sys.executable, "-c", "import subprocess; print(subprocess.Popen(['sleep', '30'], "
                                  "start_new_session=True, stdout=subprocess.DEVNULL, "
                                  "stderr=subprocess.DEVNULL).pid)"],
                                 capture_output=True, text=True, check=True)
            orphan = int(out.stdout)
            deadline = time.monotonic() + 5
            while orphan not in children_of(os.getpid()) and time.monotonic() < deadline:
                time.sleep(0.01)
            assert orphan in children_of(os.getpid())
        assert _gone(orphan)
        assert mine.poll() is None  # started before the block: not touched
    finally:
        mine.kill()
        mine.wait()
