"""``costrail comment github``: post, update, replace or hide the PR comment.

The token comes from ``GITHUB_TOKEN`` only (never a flag: flags end up in shell history and
CI logs), the API base from ``GITHUB_API_URL`` (set by GitHub Actions, GHE included).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from estimator.errors import InputError, UsageError
from estimator.github import DEFAULT_API, GitHubClient
from estimator.report.pr_comment import GITHUB_LIMIT, MARKER, parse_state

_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def run(
    *,
    repo: str,
    pull: int,
    body_file: str,
    behavior: str = "update",
    skip_no_diff: bool = False,
    client: GitHubClient | None = None,
) -> int:
    if not _REPO.match(repo):
        raise UsageError(f"--repo {repo!r}: expected OWNER/NAME")
    if pull <= 0:
        raise UsageError(f"--pull {pull}: expected a pull request number")
    try:
        body = Path(body_file).read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{body_file}: cannot read: {err.strerror}") from err
    if len(body) >= GITHUB_LIMIT:
        # GitHub refuses (422) a longer body; our own renderer already stays under it.
        note = "\n\n> **Note:** cut to fit GitHub's 65,536-character comment limit.\n"
        body = body[: GITHUB_LIMIT - 1 - len(note)] + note
        print(f"warning: {body_file}: longer than GitHub's comment limit; cut", file=sys.stderr)
    skip = False
    if skip_no_diff:
        state = parse_state(body)
        skip = state is not None and state == (0, 0)
    own_client = client is None
    if client is None:
        client = GitHubClient(os.environ.get("GITHUB_TOKEN", ""), os.environ.get("GITHUB_API_URL") or DEFAULT_API)
    try:
        result = client.post_comment(repo, pull, body, behavior=behavior, marker=MARKER, skip=skip)
    finally:
        if own_client:
            client.close()
    if result.action == "skipped":
        print("costrail: no cost change; comment not posted (--skip-no-diff)", file=sys.stderr)
        return 0
    extra = ""
    if result.deleted:
        extra = f" (deleted {result.deleted} old)"
    if result.hidden:
        extra = f" (hid {result.hidden} old)"
    url = result.comment.html_url if result.comment else ""
    print(f"costrail: comment {result.action}{extra} {url}".rstrip(), file=sys.stderr)
    return 0
