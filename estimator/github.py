"""A small GitHub REST client for the one thing costrail posts: its pull-request comment.

Why our own: four endpoints (list with ``Link`` pagination, create, update, delete) plus
GraphQL ``minimizeComment``, with the failure handling a CI step needs — bounded retries on
5xx, network errors and secondary rate limits (honouring ``Retry-After`` or
``x-ratelimit-reset``), one clear line on 401/403/404, and the token kept out of every
message. ``sleep`` and ``clock`` are injectable so tests never wait.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from estimator.errors import CostrailError
from estimator.report.pr_comment import state_line

DEFAULT_API = "https://api.github.com"
API_VERSION = "2022-11-28"
BEHAVIORS = ("update", "new", "delete-and-new", "hide-and-new")
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class GitHubError(CostrailError):
    """A GitHub API call failed for good (after retries, or an auth/permission/not-found answer)."""

    status: int | None = None  # the HTTP status of the final answer, when there was one


@dataclass
class Comment:
    id: int
    node_id: str
    body: str
    html_url: str = ""
    author: str = ""
    author_type: str = ""  # "User" or "Bot"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Comment:
        user = data.get("user") or {}
        return cls(
            int(data["id"]),
            str(data.get("node_id", "")),
            str(data.get("body") or ""),
            data.get("html_url", ""),
            str(user.get("login", "")),
            str(user.get("type", "")),
        )


@dataclass
class PostResult:
    """What ``post_comment`` did: ``action`` is created, updated or skipped."""

    action: str
    comment: Comment | None = None
    deleted: int = 0
    hidden: int = 0


def graphql_url(api_url: str) -> str:
    """``https://api.github.com/graphql``; on GHE ``…/api/v3`` becomes ``…/api/graphql``."""
    base = api_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base[: -len("/v3")] + "/graphql"
    return base + "/graphql"


class GitHubClient:
    def __init__(
        self,
        token: str,
        api_url: str = DEFAULT_API,
        *,
        max_attempts: int = 5,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._secrets = _secret_forms(token)
        token = token.strip()
        if not token:
            raise GitHubError("GITHUB_TOKEN is not set: a token with pull-requests/issues write access is needed")
        if not _TOKEN_CHARS.fullmatch(token):
            raise GitHubError(
                "GITHUB_TOKEN contains a space, a control or a non-ASCII character: it is not a valid token "
                "(set the secret again, without quotes or line breaks)"
            )
        self._token = token
        self._secrets = sorted({*self._secrets, *_secret_forms(token)}, key=len, reverse=True)
        self.api_url = api_url.rstrip("/")
        self._viewer: str | None = None
        self._viewer_known = False
        self.max_attempts = max(1, max_attempts)
        self.max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "costrail",
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport ---------------------------------------------------------------------------

    def redact(self, text: str) -> str:
        """TEXT without the token in any form it may take in a message (raw, escaped, bytes, base64)."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        before_retry: Callable[[], Any] | None = None,
        gone_on_retry: bool = False,
    ) -> Any:
        """One call with bounded retries on 5xx, network errors and secondary rate limits.

        ``before_retry`` runs before each retry; a non-None answer ends the call with it (a
        create that failed with a 502 may have been applied: look before posting twice).
        ``gone_on_retry``: a 404 on a retry is the answer (a DELETE whose first attempt went
        through before the error: deleting is idempotent).
        """
        if not url.startswith("http"):
            url = self.api_url + url
        last = ""
        for attempt in range(1, self.max_attempts + 1):
            if attempt > 1 and before_retry is not None:
                found = before_retry()
                if found is not None:
                    return found
            try:
                response = self._http.request(method, url, json=json, params=params)
            except (httpx.LocalProtocolError, httpx.UnsupportedProtocol, httpx.InvalidURL, UnicodeError) as err:
                # Our request is malformed: sending it again cannot help.
                detail = self.redact(str(err)) or type(err).__name__
                raise GitHubError(
                    f"GitHub API {method} {self._path(url)}: request refused before sending ({detail})"
                ) from None
            except httpx.TransportError as err:
                last = f"network error: {self.redact(str(err)) or type(err).__name__}"
                wait = self._backoff(attempt)
            else:
                if gone_on_retry and attempt > 1 and response.status_code == 404:
                    return response
                wait = self._retry_wait(response, attempt)
                if wait is None:
                    self._raise_for(response, method, url)
                    return response
                last = f"HTTP {response.status_code}"
            if attempt < self.max_attempts:
                self._sleep(wait)
        raise GitHubError(f"GitHub API {method} {self._path(url)} failed after {self.max_attempts} attempts ({last})")

    def _backoff(self, attempt: int) -> float:
        return float(min(2 ** (attempt - 1), self.max_wait))

    def _retry_wait(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when the answer is final."""
        status = response.status_code
        if status >= 500:
            return self._retry_after(response) or self._backoff(attempt)
        if status in (403, 429):
            retry_after = self._retry_after(response)
            if retry_after is not None:
                return retry_after
            if response.headers.get("x-ratelimit-remaining") == "0":
                reset = response.headers.get("x-ratelimit-reset")
                try:
                    wait = float(reset) - self._clock() if reset else self._backoff(attempt)
                except ValueError:
                    wait = self._backoff(attempt)
                if wait > self.max_wait:
                    return None  # a primary limit reset far away: fail now with a clear message
                return max(wait, 1.0)
            if status == 429 or "secondary rate limit" in response.text.lower():
                return min(60.0 * 2 ** (attempt - 1), self.max_wait)  # GitHub: wait at least a minute
        return None

    def _retry_after(self, response: httpx.Response) -> float | None:
        value = response.headers.get("retry-after")
        if value is None:
            return None
        try:
            return min(max(float(value), 0.0), self.max_wait)
        except ValueError:
            return None

    def _path(self, url: str) -> str:
        return self.redact(url[len(self.api_url) :] if url.startswith(self.api_url) else url)

    def _raise_for(self, response: httpx.Response, method: str, url: str) -> None:
        status = response.status_code
        if status < 400:
            return
        try:
            detail = str(response.json().get("message", ""))
        except ValueError:
            detail = response.text[:200]
        detail = self.redact(detail)
        where = f"{method} {self._path(url)}"
        error = GitHubError(self._message(status, where, detail, response))
        error.status = status
        raise error

    def _message(self, status: int, where: str, detail: str, response: httpx.Response) -> str:
        if status == 401:
            return f"GitHub API {where}: 401 bad credentials: check GITHUB_TOKEN ({detail})"
        if status == 403:
            if response.headers.get("x-ratelimit-remaining") == "0":
                return f"GitHub API {where}: 403 rate limit exhausted until x-ratelimit-reset ({detail})"
            return (
                f"GitHub API {where}: 403 forbidden: the token lacks permission "
                f"(workflow needs `permissions: pull-requests: write`) ({detail})"
            )
        if status == 404:
            return (
                f"GitHub API {where}: 404 not found: check --repo and --pull, and that the token can see the repository"
            )
        return f"GitHub API {where}: HTTP {status} ({detail})"

    # --- comments ----------------------------------------------------------------------------

    def list_comments(self, repo: str, pull: int) -> Iterator[Comment]:
        """Every comment of the PR, following ``Link: <…>; rel="next"`` across all pages."""
        url: str | None = f"{self.api_url}/repos/{repo}/issues/{pull}/comments?per_page=100"
        while url:
            response = self.request("GET", url)
            for item in response.json():
                yield Comment.from_json(item)
            url = _next_link(response.headers.get("link", ""))

    def create_comment(self, repo: str, pull: int, body: str) -> Comment:
        """POST the comment; after a failed attempt, a comment with this exact body counts as created."""

        def already_posted() -> Comment | None:
            return next((c for c in self.list_comments(repo, pull) if c.body == body), None)

        answer = self.request(
            "POST", f"/repos/{repo}/issues/{pull}/comments", json={"body": body}, before_retry=already_posted
        )
        return answer if isinstance(answer, Comment) else Comment.from_json(answer.json())

    def update_comment(self, repo: str, comment_id: int, body: str) -> Comment:
        response = self.request("PATCH", f"/repos/{repo}/issues/comments/{comment_id}", json={"body": body})
        return Comment.from_json(response.json())

    def delete_comment(self, repo: str, comment_id: int) -> None:
        self.request("DELETE", f"/repos/{repo}/issues/comments/{comment_id}", gone_on_retry=True)

    def minimize_comment(self, node_id: str) -> None:
        query = (
            "mutation($id: ID!) { minimizeComment(input: {subjectId: $id, classifier: OUTDATED}) "
            "{ minimizedComment { isMinimized } } }"
        )
        response = self.request("POST", graphql_url(self.api_url), json={"query": query, "variables": {"id": node_id}})
        errors = response.json().get("errors")
        if errors:
            raise GitHubError(f"GitHub GraphQL minimizeComment: {self.redact(str(errors[0].get('message', errors)))}")

    def viewer(self) -> str | None:
        """The token's login from ``GET /user`` (a personal token), or None when the token cannot
        say (the Actions installation token answers 403 "Resource not accessible by integration")."""
        if not self._viewer_known:
            try:
                self._viewer = str(self.request("GET", "/user").json().get("login") or "") or None
            except GitHubError as err:
                if err.status == 401:
                    raise
                self._viewer = None
            self._viewer_known = True
        return self._viewer

    def is_ours(self, comment: Comment, marker: str) -> bool:
        """Ours = the body STARTS with the marker (a quote ``> <!-- … -->`` is someone else's) and
        the author is the token's user; when that cannot be known, the author must be a bot (an
        app such as ``github-actions[bot]``), so a person's comment is never edited or removed."""
        if not comment.body.lstrip().startswith(marker):
            return False
        viewer = self.viewer()
        if viewer is not None:
            return comment.author == viewer
        return comment.author_type == "Bot"

    def minimized(self, comments: list[Comment]) -> set[str]:
        """Node ids of COMMENTS already minimized (GraphQL ``isMinimized``; REST does not say).

        When GitHub cannot answer, none is taken as minimized: hiding one again is harmless.
        """
        query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }"
        ids = [c.node_id for c in comments if c.node_id]
        done: set[str] = set()
        for start in range(0, len(ids), 100):  # GraphQL nodes() takes at most 100 ids
            try:
                response = self.request(
                    "POST",
                    graphql_url(self.api_url),
                    json={"query": query, "variables": {"ids": ids[start : start + 100]}},
                )
                nodes = (response.json().get("data") or {}).get("nodes") or []
            except (GitHubError, ValueError, AttributeError):
                continue
            done |= {n["id"] for n in nodes if isinstance(n, dict) and n.get("isMinimized") and n.get("id")}
        return done

    def find_comments(self, repo: str, pull: int, marker: str) -> list[Comment]:
        return [c for c in self.list_comments(repo, pull) if self.is_ours(c, marker)]

    def post_comment(
        self, repo: str, pull: int, body: str, *, behavior: str = "update", marker: str, skip: bool = False
    ) -> PostResult:
        """Post BODY per BEHAVIOR.

        ``skip`` (BODY shows nothing new: no cost change, no new finding, passing) posts nothing
        when there is no comment of ours, or when our latest one says the same (same state line);
        otherwise BODY goes out as usual, so an earlier, different verdict never stays the
        visible one. ``update`` always refreshes an existing comment.
        """
        if behavior not in BEHAVIORS:
            raise GitHubError(f"unknown behavior {behavior!r} (one of {', '.join(BEHAVIORS)})")
        if not body.lstrip().startswith(marker):
            body = f"{marker}\n{body}"
        if behavior == "new" and not skip:
            return PostResult("created", self.create_comment(repo, pull, body))
        ours = self.find_comments(repo, pull, marker)
        if behavior == "update" and ours:
            return PostResult("updated", self.update_comment(repo, ours[-1].id, body))
        if skip and (not ours or _same_state(ours[-1].body, body)):
            return PostResult("skipped")
        if behavior in ("update", "new"):
            return PostResult("created", self.create_comment(repo, pull, body))
        result = PostResult("created")
        if behavior == "hide-and-new":
            hidden = self.minimized(ours)
            ours = [c for c in ours if c.node_id not in hidden]
        for comment in ours:
            if behavior == "delete-and-new":
                self.delete_comment(repo, comment.id)
                result.deleted += 1
            else:
                self.minimize_comment(comment.node_id)
                result.hidden += 1
        result.comment = self.create_comment(repo, pull, body)
        return result


def _same_state(old: str, new: str) -> bool:
    """Both bodies carry the same hidden state line (so showing NEW again would change nothing)."""
    line = state_line(new)
    return line is not None and state_line(old) == line


_TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no space: what a header value can carry


def _secret_forms(token: str) -> list[str]:
    """The token as it may appear in an error text: raw, trimmed, escaped (``\\n``), as bytes repr, base64."""
    forms: set[str] = set()
    for value in {token, token.strip()}:
        if not value:
            continue
        forms.add(value)
        forms.add(value.encode("unicode_escape").decode("ascii"))
        forms.add(repr(value)[1:-1])
        forms.add(repr(value.encode("utf-8", "backslashreplace"))[2:-1])
        forms.add(base64.b64encode(value.encode("utf-8", "backslashreplace")).decode("ascii").rstrip("="))
    return sorted(forms, key=len, reverse=True)


def _next_link(header: str) -> str | None:
    for part in header.split(","):
        match = _LINK_NEXT.search(part)
        if match:
            return match.group(1)
    return None
