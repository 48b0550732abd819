"""The comment client against a local server that answers as GitHub's REST API documents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from estimator.cli import cli
from estimator.commands import comment as comment_cmd
from estimator.github import GitHubClient, GitHubError, graphql_url
from estimator.report.pr_comment import GITHUB_LIMIT, MARKER
from tests.pr.github_server import FakeGitHub

TOKEN = "ghs_test-token-123"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "pr"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN, max_per_page=10) as fake:
        yield fake


def client_for(fake: FakeGitHub, sleeps: list[float] | None = None, **kwargs: object) -> GitHubClient:
    record = sleeps if sleeps is not None else []
    return GitHubClient(TOKEN, fake.url, sleep=record.append, clock=lambda: 1_000_000.0, **kwargs)  # type: ignore[arg-type]


def ours(fake: FakeGitHub) -> list[dict]:
    return [c for c in fake.comments if MARKER in c["body"]]


def test_create_then_update_in_place_with_35_other_comments(github: FakeGitHub) -> None:
    for i in range(5):
        github.add_comment(f"early comment {i}")
    with client_for(github) as client:
        first = client.post_comment("o/r", 1, f"{MARKER}\nfirst body", marker=MARKER)
        assert first.action == "created"
        for i in range(30):
            github.add_comment(f"later comment {i}")
        second = client.post_comment("o/r", 1, f"{MARKER}\nsecond body", marker=MARKER)
    assert second.action == "updated"
    assert second.comment is not None and second.comment.id == first.comment.id  # type: ignore[union-attr]
    assert len(github.comments) == 36
    assert [c["body"] for c in ours(github)] == [f"{MARKER}\nsecond body"]
    # The list was read across pages (10 per page here): 36 comments = 4 pages.
    gets = [path for method, path in github.requests if method == "GET" and path.endswith("/comments")]
    assert len(gets) == 1 + 4  # first run: 1 page of 5; second: 4 pages


def test_our_comment_found_on_the_last_page(github: FakeGitHub) -> None:
    for i in range(34):
        github.add_comment(f"noise {i}")
    github.add_own_comment(f"{MARKER}\nold")
    github.add_comment("one after")
    with client_for(github) as client:
        result = client.post_comment("o/r", 1, f"{MARKER}\nnew", marker=MARKER)
    assert result.action == "updated"
    assert [c["body"] for c in ours(github)] == [f"{MARKER}\nnew"]
    assert len(github.comments) == 36


@pytest.mark.parametrize("behavior", ["update", "delete-and-new", "hide-and-new"])
def test_only_our_own_comment_is_touched_not_a_quote_or_another_author(behavior: str) -> None:
    """A quote of the marker, or another person's comment starting with it, is never edited, deleted or hidden."""
    with FakeGitHub(token=TOKEN, max_per_page=10, admin=True) as fake:  # admin: a wrong edit would go through
        for i in range(12):
            fake.add_comment(f"chatter {i}")
        own = fake.add_own_comment(f"{MARKER}\nold report")
        quote = fake.add_comment(f"> {MARKER}\n> old report\n\nWhy did this go up?", login="bob")
        human = fake.add_comment(f"{MARKER}\ncopied by hand", login="alice")
        with client_for(fake) as client:
            result = client.post_comment("o/r", 1, f"{MARKER}\nnew report", behavior=behavior, marker=MARKER)
        bodies = {c["id"]: c["body"] for c in fake.comments}
        assert bodies[quote["id"]].startswith("> ") and bodies[human["id"]].endswith("copied by hand")
        assert quote["node_id"] not in fake.minimized and human["node_id"] not in fake.minimized
        if behavior == "update":
            assert result.action == "updated" and bodies[own["id"]] == f"{MARKER}\nnew report"
        elif behavior == "delete-and-new":
            assert result.deleted == 1 and own["id"] not in bodies
        else:
            assert result.hidden == 1 and fake.minimized == [own["node_id"]]


def test_personal_token_owns_only_its_user_s_comments() -> None:
    """With a PAT, GET /user names the identity: a bot's or another user's marker comment is not ours."""
    with FakeGitHub(token=TOKEN, pat_login="carol", admin=True) as fake:
        mine = fake.add_own_comment(f"{MARKER}\nmine")
        bot = fake.add_comment(f"{MARKER}\nfrom another workflow", login="github-actions[bot]", user_type="Bot")
        dave = fake.add_comment(f"{MARKER}\ndave's", login="dave")
        with client_for(fake) as client:
            result = client.post_comment("o/r", 1, f"{MARKER}\nnew", marker=MARKER)
        assert result.action == "updated" and result.comment is not None and result.comment.id == mine["id"]
        assert [c["body"] for c in fake.comments] == [f"{MARKER}\nnew", bot["body"], dave["body"]]


def test_retry_after_502_creates_no_duplicate(github: FakeGitHub) -> None:
    github.fail_next("POST", r"/comments$", 502, message="Bad Gateway")
    sleeps: list[float] = []
    with client_for(github, sleeps) as client:
        result = client.post_comment("o/r", 1, "body", marker=MARKER)
    assert result.action == "created"
    assert len(ours(github)) == 1
    assert ours(github)[0]["body"] == f"{MARKER}\nbody"  # the marker is added when missing
    assert sleeps == [1.0]
    assert [m for m, _ in github.requests].count("POST") == 2  # looked first (GET), then posted again


def test_502_after_the_comment_was_created_does_not_post_twice(github: FakeGitHub) -> None:
    github.fail_next("POST", r"/comments$", 502, applied=True, message="Bad Gateway")
    with client_for(github) as client:
        result = client.post_comment("o/r", 1, f"{MARKER}\nbody", marker=MARKER)
    assert result.action == "created" and result.comment is not None
    assert [c["body"] for c in ours(github)] == [f"{MARKER}\nbody"]
    assert result.comment.id == ours(github)[0]["id"]
    assert [m for m, _ in github.requests].count("POST") == 1


def test_secondary_rate_limit_honours_retry_after(github: FakeGitHub) -> None:
    github.fail_next(
        "PATCH", r"/issues/comments/", 403, {"retry-after": "7"}, message="You have exceeded a secondary rate limit"
    )
    github.add_own_comment(f"{MARKER}\nold")
    sleeps: list[float] = []
    with client_for(github, sleeps) as client:
        result = client.post_comment("o/r", 1, f"{MARKER}\nnew", marker=MARKER)
    assert result.action == "updated"
    assert sleeps == [7.0]


def test_rate_limit_reset_header_waits_until_reset(github: FakeGitHub) -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1_000_000 + 12)}
    github.fail_next("GET", r"/comments$", 403, headers, message="API rate limit exceeded")
    sleeps: list[float] = []
    with client_for(github, sleeps) as client:
        assert list(client.list_comments("o/r", 1)) == []
    assert sleeps == [12.0]


def test_rate_limit_reset_far_away_fails_clearly(github: FakeGitHub) -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1_000_000 + 3600)}
    github.fail_next("GET", r"/comments$", 403, headers, message="API rate limit exceeded")
    with client_for(github) as client, pytest.raises(GitHubError, match="rate limit"):
        list(client.list_comments("o/r", 1))


def test_attempts_are_bounded(github: FakeGitHub) -> None:
    for _ in range(10):
        github.fail_next("POST", r"/comments$", 502)
    sleeps: list[float] = []
    with client_for(github, sleeps, max_attempts=3) as client, pytest.raises(GitHubError, match="after 3 attempts"):
        client.create_comment("o/r", 1, "x")
    assert sleeps == [1.0, 2.0]
    assert github.comments == []


def test_401_is_clear_and_never_shows_the_token(github: FakeGitHub) -> None:
    client = GitHubClient("ghp_wrong-secret-token", github.url, sleep=lambda s: None)
    with client, pytest.raises(GitHubError) as err:
        client.create_comment("o/r", 1, "x")
    assert "401" in str(err.value) and "GITHUB_TOKEN" in str(err.value)
    assert "ghp_wrong-secret-token" not in str(err.value)


def test_403_without_rate_limit_is_a_permission_error(github: FakeGitHub) -> None:
    github.fail_next("POST", r"/comments$", 403, message="Resource not accessible by integration")
    with client_for(github) as client, pytest.raises(GitHubError, match="403 forbidden.*pull-requests: write"):
        client.create_comment("o/r", 1, "x")


def test_404_names_repo_and_pull(github: FakeGitHub) -> None:
    with client_for(github) as client, pytest.raises(GitHubError, match="404 not found: check --repo"):
        client.create_comment("o/missing", 1, "x")


def test_new_always_creates(github: FakeGitHub) -> None:
    github.add_own_comment(f"{MARKER}\nold")
    with client_for(github) as client:
        assert client.post_comment("o/r", 1, f"{MARKER}\nnew", behavior="new", marker=MARKER).action == "created"
    assert len(ours(github)) == 2


def test_delete_and_new(github: FakeGitHub) -> None:
    github.add_own_comment(f"{MARKER}\nold 1")
    github.add_comment("keep me")
    github.add_own_comment(f"{MARKER}\nold 2")
    with client_for(github) as client:
        result = client.post_comment("o/r", 1, f"{MARKER}\nnew", behavior="delete-and-new", marker=MARKER)
    assert (result.action, result.deleted) == ("created", 2)
    assert [c["body"] for c in github.comments] == ["keep me", f"{MARKER}\nnew"]


def test_hide_and_new_on_enterprise_layout() -> None:
    with FakeGitHub(token=TOKEN, prefix="/api/v3") as fake:
        old = fake.add_own_comment(f"{MARKER}\nold")
        with client_for(fake) as client:
            result = client.post_comment("o/r", 1, f"{MARKER}\nnew", behavior="hide-and-new", marker=MARKER)
        assert (result.action, result.hidden) == ("created", 1)
        assert fake.minimized == [old["node_id"]]
        assert ("POST", "/api/graphql") in fake.requests
        assert len(ours(fake)) == 2


def test_graphql_url() -> None:
    assert graphql_url("https://api.github.com") == "https://api.github.com/graphql"
    assert graphql_url("https://ghe.example.com/api/v3/") == "https://ghe.example.com/api/graphql"


def test_headers_sent(github: FakeGitHub) -> None:
    with client_for(github) as client:
        list(client.list_comments("o/r", 1))
    seen = github.headers_seen[0]
    assert seen["authorization"] == f"Bearer {TOKEN}"
    assert seen["accept"] == "application/vnd.github+json"
    assert seen["x-github-api-version"] == "2022-11-28"


# --- the command -------------------------------------------------------------------------------


def test_command_skip_no_diff_posts_nothing(github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    code = comment_cmd.run(repo="o/r", pull=1, body_file=str(FIXTURES / "no_change_comment.md"), skip_no_diff=True)
    assert code == 0
    assert github.comments == []
    # Without the flag, the same body is posted.
    comment_cmd.run(repo="o/r", pull=1, body_file=str(FIXTURES / "no_change_comment.md"))
    assert len(ours(github)) == 1


def test_command_skip_no_diff_still_refreshes_an_existing_comment(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    github.add_own_comment(f"{MARKER}\nstale: +$100")
    comment_cmd.run(repo="o/r", pull=1, body_file=str(FIXTURES / "no_change_comment.md"), skip_no_diff=True)
    assert len(ours(github)) == 1 and "stale" not in ours(github)[0]["body"]


def test_cli_401_exits_2_without_leaking_token(github: FakeGitHub, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text("hello\n")
    secret = "ghp_super-secret-value"
    result = CliRunner().invoke(
        cli,
        ["comment", "github", "--repo", "o/r", "--pull", "1", "--body-file", str(body)],
        env={"GITHUB_TOKEN": secret, "GITHUB_API_URL": github.url},
    )
    assert result.exit_code == 2
    assert "401" in result.output
    assert secret not in result.output


def test_cli_without_token_exits_2(github: FakeGitHub, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text("hello\n")
    result = CliRunner().invoke(
        cli,
        ["comment", "github", "--repo", "o/r", "--pull", "1", "--body-file", str(body)],
        env={"GITHUB_TOKEN": "", "GITHUB_API_URL": github.url},
    )
    assert result.exit_code == 2
    assert "GITHUB_TOKEN is not set" in result.output
    assert github.requests == []


def test_cli_bad_repo_is_a_usage_error(tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text("hello\n")
    result = CliRunner().invoke(cli, ["comment", "github", "--repo", "nope", "--pull", "1", "--body-file", str(body)])
    assert result.exit_code == 2
    assert "OWNER/NAME" in result.output


def test_command_cuts_an_oversized_body(github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    body = tmp_path / "big.md"
    body.write_text(MARKER + "\n" + "x" * 70000)
    assert comment_cmd.run(repo="o/r", pull=1, body_file=str(body)) == 0
    posted = ours(github)[0]["body"]
    assert len(posted) <= GITHUB_LIMIT and "truncated" in posted.splitlines()[-1]


# --- the token ---------------------------------------------------------------------------------


def test_cli_token_with_trailing_newline_is_trimmed(github: FakeGitHub, tmp_path: Path) -> None:
    body = tmp_path / "body.md"
    body.write_text(f"{MARKER}\nx\n")
    result = CliRunner().invoke(
        cli,
        ["comment", "github", "--repo", "o/r", "--pull", "1", "--body-file", str(body)],
        env={"GITHUB_TOKEN": f"  {TOKEN}\n", "GITHUB_API_URL": github.url},
    )
    assert result.exit_code == 0, result.output
    assert len(ours(github)) == 1


@pytest.mark.parametrize("secret", ["ghp_SECRÉT", "ghp_SEC\nRET", "ghp_SEC\x01RET", "ghp_SEC RET"])
def test_cli_token_with_bad_characters_is_one_line_exit_2(github: FakeGitHub, tmp_path: Path, secret: str) -> None:
    body = tmp_path / "body.md"
    body.write_text(f"{MARKER}\nx\n")
    result = CliRunner().invoke(
        cli,
        ["comment", "github", "--repo", "o/r", "--pull", "1", "--body-file", str(body)],
        env={"GITHUB_TOKEN": secret, "GITHUB_API_URL": github.url},
    )
    assert result.exit_code == 2
    assert "GITHUB_TOKEN" in result.output and len(result.output.strip().splitlines()) == 1
    assert "SEC" not in result.output
    assert github.requests == []


def test_client_side_protocol_error_is_not_retried_and_is_redacted() -> None:
    secret = "ghp_SECRETNL"

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.LocalProtocolError(f"Illegal header value {(b'Bearer ' + secret.encode() + bytes([10]))!r}")

    sleeps: list[float] = []
    client = GitHubClient(secret, "https://api.example", sleep=sleeps.append, transport=httpx.MockTransport(refuse))
    with client, pytest.raises(GitHubError) as err:
        client.create_comment("o/r", 1, "x")
    assert sleeps == [] and secret not in str(err.value) and "SECRET" not in str(err.value)


def test_redaction_covers_escaped_and_bytes_forms() -> None:
    client = GitHubClient("ghp_abc123", "https://api.example")
    with client:
        for leak in ["ghp_abc123", "b'Bearer ghp_abc123'", "'ghp_abc123\\n'", "Z2hwX2FiYzEyMw=="]:
            assert "abc123" not in client.redact(leak) and "Z2hwX2FiYzEyMw" not in client.redact(leak)


# --- the body limit ----------------------------------------------------------------------------


def test_command_body_just_under_the_limit_without_marker_is_not_rejected(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """65,530 characters + the marker costrail adds pass 65,536: the limit is checked after the marker."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    body = tmp_path / "nomarker.md"
    body.write_text("x" * 65530 + "\n")
    assert comment_cmd.run(repo="o/r", pull=1, body_file=str(body)) == 0
    posted = ours(github)[0]["body"]
    assert posted.startswith(MARKER) and len(posted) <= GITHUB_LIMIT and "truncated" in posted


def test_command_cuts_a_long_table_at_a_row_boundary_and_closes_details(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    rows = [f"| aws_instance.x[{i}] | $1.00 |" for i in range(3000)]
    text = "\n".join(
        [MARKER, "<details><summary>changed</summary>", "", "| a | b |", "|---|---|", *rows, "", "</details>"]
    )
    body = tmp_path / "big.md"
    body.write_text(text + "\n")
    assert comment_cmd.run(repo="o/r", pull=1, body_file=str(body)) == 0
    posted = ours(github)[0]["body"]
    assert len(posted) <= GITHUB_LIMIT
    assert posted.count("<details>") == posted.count("</details>") == 1
    lines = posted.splitlines()
    assert all(line.endswith("|") for line in lines if line.startswith("|"))  # no row cut in half
    note = next(i for i, line in enumerate(lines) if "truncated" in line)
    assert note > lines.index("</details>") and lines[note - 1] == ""  # visible, outside the table


def test_retried_delete_that_finds_the_comment_gone_is_success(github: FakeGitHub) -> None:
    """A proxy's 502 after the DELETE went through: the retry's 404 means deleted, then the new one is posted."""
    github.add_own_comment(f"{MARKER}\nv1")
    github.fail_next("DELETE", r"/issues/comments/", 502, applied=True, message="Bad gateway")
    sleeps: list[float] = []
    with client_for(github, sleeps) as client:
        result = client.post_comment("o/r", 1, f"{MARKER}\nv2", behavior="delete-and-new", marker=MARKER)
    assert (result.action, result.deleted) == ("created", 1)
    assert [c["body"] for c in github.comments] == [f"{MARKER}\nv2"]
    assert [m for m, _ in github.requests].count("DELETE") == 2 and sleeps == [1.0]


def test_first_delete_404_is_still_an_error(github: FakeGitHub) -> None:
    with client_for(github) as client, pytest.raises(GitHubError, match="404"):
        client.delete_comment("o/r", 999999)


# --- --tag -------------------------------------------------------------------------------------


def run_cli(github: FakeGitHub, body: Path, *args: str) -> object:
    return CliRunner().invoke(
        cli,
        ["comment", "github", "--repo", "o/r", "--pull", "1", "--body-file", str(body), *args],
        env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": github.url},
    )


def test_tag_keeps_one_comment_per_run_identity(github: FakeGitHub, tmp_path: Path) -> None:
    app, data = tmp_path / "app.md", tmp_path / "data.md"
    app.write_text(f"{MARKER}\nstacks/app: +$1\n")
    data.write_text(f"{MARKER}\nstacks/data: +$2\n")
    for body, tag in ((app, "stacks/app"), (data, "stacks/data"), (app, "stacks/app")):
        result = run_cli(github, body, "--tag", tag)
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert [c["body"] for c in github.comments] == [
        "<!-- costrail-comment:stacks/app -->\nstacks/app: +$1\n",
        "<!-- costrail-comment:stacks/data -->\nstacks/data: +$2\n",
    ]
    # Without --tag the default marker is unchanged and does not take over a tagged comment.
    assert run_cli(github, data).exit_code == 0  # type: ignore[attr-defined]
    assert len(github.comments) == 3 and github.comments[2]["body"] == data.read_text()


@pytest.mark.parametrize("tag", ["a -->", "", "x y", "é"])
def test_bad_tag_is_a_usage_error(github: FakeGitHub, tmp_path: Path, tag: str) -> None:
    body = tmp_path / "b.md"
    body.write_text("x\n")
    result = run_cli(github, body, "--tag", tag)
    assert result.exit_code == 2 and "--tag" in result.output  # type: ignore[attr-defined]
    assert github.requests == []


def test_hide_and_new_hides_only_comments_not_yet_minimized(github: FakeGitHub) -> None:
    counts = []
    with client_for(github) as client:
        for i in range(4):
            result = client.post_comment("o/r", 1, f"{MARKER}\nrun {i}", behavior="hide-and-new", marker=MARKER)
            counts.append(result.hidden)
    assert counts == [0, 1, 1, 1]
    minimized = [c["node_id"] for c in github.comments[:3]]
    assert github.minimized == minimized  # each old comment hidden exactly once


def test_hide_and_new_hides_all_when_minimized_state_cannot_be_read(github: FakeGitHub) -> None:
    """If GitHub does not answer the isMinimized query, hiding again is harmless: hide them all."""
    old = github.add_own_comment(f"{MARKER}\nold")
    github.fail_next("POST", r"/graphql$", 502)
    github.fail_next("POST", r"/graphql$", 502)
    with client_for(github, max_attempts=2) as client:
        result = client.post_comment("o/r", 1, f"{MARKER}\nnew", behavior="hide-and-new", marker=MARKER)
    assert result.hidden == 1 and github.minimized == [old["node_id"]]


def test_redaction_of_a_short_token() -> None:
    with GitHubClient("q7", "https://api.example") as client:
        assert client.redact("Bearer q7 failed") == "Bearer *** failed"
