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
from estimator.report.pr_comment import GITHUB_LIMIT, MARKER, parse_full_state

_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_TAG = re.compile(r"[A-Za-z0-9_./-]{1,100}")
TRUNCATED_NOTE = (
    "> **Note:** this comment was truncated to fit GitHub's 65,536-character comment limit; "
    "run `costrail diff --format json` for the full report."
)


def run(
    *,
    repo: str,
    pull: int,
    body_file: str,
    behavior: str = "update",
    skip_no_diff: bool = False,
    tag: str | None = None,
    client: GitHubClient | None = None,
) -> int:
    if not _REPO.match(repo):
        raise UsageError(f"--repo {repo!r}: expected OWNER/NAME")
    if pull <= 0:
        raise UsageError(f"--pull {pull}: expected a pull request number")
    marker = marker_for(tag)
    try:
        body = Path(body_file).read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"{body_file}: cannot read: {err.strerror}") from err
    body = with_marker(body, marker)
    body, cut = fit_to_limit(body)
    if cut:
        print(f"warning: {body_file}: longer than GitHub's comment limit; truncated", file=sys.stderr)
    skip = False
    if skip_no_diff:
        # Only when nothing a reviewer must see changed: no cost delta, no changed resource, no
        # new finding, and a passing verdict (a state line without them cannot tell: post).
        state = parse_full_state(body)
        skip = state is not None and state.nothing_to_show
    own_client = client is None
    if client is None:
        client = GitHubClient(os.environ.get("GITHUB_TOKEN", ""), os.environ.get("GITHUB_API_URL") or DEFAULT_API)
    try:
        result = client.post_comment(repo, pull, body, behavior=behavior, marker=marker, skip=skip)
    finally:
        if own_client:
            client.close()
    if result.action == "skipped":
        print(
            "costrail: no cost change, no new finding, check passes; comment not posted (--skip-no-diff)",
            file=sys.stderr,
        )
        return 0
    extra = ""
    if result.deleted:
        extra = f" (deleted {result.deleted} old)"
    if result.hidden:
        extra = f" (hid {result.hidden} old)"
    url = result.comment.html_url if result.comment else ""
    print(f"costrail: comment {result.action}{extra} {url}".rstrip(), file=sys.stderr)
    return 0


def marker_for(tag: str | None) -> str:
    """The hidden marker: ``<!-- costrail-comment -->``, or ``<!-- costrail-comment:TAG -->`` so that
    several runs on one PR (a matrix job per project) each keep their own comment."""
    if tag is None:
        return MARKER
    if not _TAG.fullmatch(tag):
        raise UsageError(f"--tag {tag!r}: expected 1-100 letters, digits or . _ / - (no spaces)")
    return f"<!-- costrail-comment:{tag} -->"


def with_marker(body: str, marker: str) -> str:
    """BODY starting with MARKER: the default marker ``diff`` rendered is replaced by a tagged one."""
    stripped = body.lstrip()
    if stripped.startswith(marker):
        return body
    if marker != MARKER and stripped.startswith(MARKER):
        return marker + stripped[len(MARKER) :]
    return f"{marker}\n{body}"


def fit_to_limit(body: str, limit: int = GITHUB_LIMIT) -> tuple[str, bool]:
    """BODY cut to LIMIT characters (GitHub answers 422 beyond), and whether it was cut.

    The cut falls between lines, so no table row is split; open ``<details>`` sections and code
    fences are closed, and a note outside them (after a blank line, so no table swallows it)
    says the comment was truncated.
    """
    if len(body) <= limit:
        return body, False
    lines = body.splitlines(keepends=True)
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) > limit:
            break
        kept.append(line)
        size += len(line)
    if not kept:  # one enormous first line: the only place left to cut is inside it
        kept = [lines[0][: limit // 2]]
    while True:
        text = "".join(kept)
        if not text.endswith("\n"):
            text += "\n"
        result = text + _closers(text) + "\n" + TRUNCATED_NOTE + "\n"
        if len(result) <= limit or len(kept) == 1:
            break
        kept.pop()
    if len(result) > limit:
        result = result[: limit - len(TRUNCATED_NOTE) - 3] + "\n\n" + TRUNCATED_NOTE + "\n"
    return result, True


def _closers(text: str) -> str:
    """What closes TEXT's open code fence and ``<details>`` sections, after a blank line."""
    out = "\n"
    fences = sum(1 for line in text.splitlines() if line.lstrip().startswith("```"))
    if fences % 2:
        out += "```\n\n"
    depth = len(re.findall(r"<details[\s>]", text)) - text.count("</details>")
    out += "</details>\n\n" * max(depth, 0)
    return out
