"""A local stand-in for GitHub's REST API (issue comments) and GraphQL ``minimizeComment``.

It answers as GitHub documents: 200 list with ``Link`` pagination, 201 on create, 200 on
update, 204 on delete, 401 ``Bad credentials``; ``fail_next`` scripts one-off failures
(502, 403 with rate-limit headers...) so retry paths run without any real waiting.
Identity: by default the token is the Actions installation token (comments by
``github-actions[bot]``, type Bot; ``GET /user`` answers 403 "Resource not accessible by
integration"); ``pat_login`` makes it a personal token whose ``GET /user`` answers 200.
Editing or deleting another author's comment is refused (403) unless ``admin``.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

LIST_RE = re.compile(r"^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$")
ONE_RE = re.compile(r"^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$")
BOT = "github-actions[bot]"


@dataclass
class Failure:
    method: str
    path_re: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=lambda: {"message": "Server Error"})
    applied: bool = False  # the request took effect, but the answer is an error (a proxy's 502)


class FakeGitHub:
    def __init__(
        self,
        token: str = "ghs_test-token-123",
        max_per_page: int = 100,
        prefix: str = "",
        *,
        pat_login: str | None = None,
        admin: bool = False,
    ) -> None:
        self.token = token
        self.pat_login = pat_login
        self.admin = admin
        self.max_body = 65536  # GitHub answers 422 "body is too long (maximum is 65536 characters)"
        self.max_per_page = max_per_page
        self.prefix = prefix  # "/api/v3" for a GitHub Enterprise layout
        self.comments: list[dict[str, Any]] = []
        self.minimized: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self.headers_seen: list[dict[str, str]] = []
        self.failures: list[Failure] = []
        self._next_id = 1000
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.prefix}"

    def __enter__(self) -> FakeGitHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def viewer(self) -> tuple[str, str]:
        """(login, type) of the token's identity: the author of the comments it creates."""
        return (self.pat_login, "User") if self.pat_login else (BOT, "Bot")

    def add_own_comment(self, body: str) -> dict[str, Any]:
        """A comment posted earlier with the same token."""
        return self.add_comment(body, *self.viewer)

    def add_comment(self, body: str, login: str = "someone", user_type: str = "User") -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            comment = {
                "id": self._next_id,
                "node_id": f"IC_node{self._next_id}",
                "body": body,
                "user": {"login": login, "type": user_type},
                "html_url": f"https://github.com/o/r/pull/1#issuecomment-{self._next_id}",
            }
            self.comments.append(comment)
            return comment

    def fail_next(
        self,
        method: str,
        path_re: str,
        status: int,
        headers: dict[str, str] | None = None,
        applied: bool = False,
        **body: Any,
    ) -> None:
        self.failures.append(
            Failure(method, path_re, status, headers or {}, body or {"message": "Server Error"}, applied)
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

            def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                if data:
                    self.wfile.write(data)

            def _body(self) -> Any:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"null") if length else None

            def _dispatch(self, method: str) -> None:
                parsed = urlparse(self.path)
                path = parsed.path
                payload = self._body()
                fake.requests.append((method, path))
                fake.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    self._send(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
                    return
                for failure in list(fake.failures):
                    if failure.method == method and re.search(failure.path_re, path):
                        fake.failures.remove(failure)
                        if failure.applied and method == "POST" and payload and "body" in payload:
                            fake.add_own_comment(payload["body"])
                        if failure.applied and method == "DELETE" and (one := ONE_RE.search(path)):
                            fake.comments[:] = [c for c in fake.comments if c["id"] != int(one.group(2))]
                        self._send(failure.status, failure.body, failure.headers)
                        return
                graphql_path = fake.prefix.replace("/v3", "") + "/graphql" if fake.prefix else "/graphql"
                if method == "POST" and path == graphql_path:
                    if (
                        "nodes(ids:" in payload["query"]
                    ):  # { nodes(ids: $ids) { ... on IssueComment { id isMinimized } } }
                        by_node = {c["node_id"]: c for c in fake.comments}
                        nodes = [
                            {"id": n, "isMinimized": n in fake.minimized} if n in by_node else None
                            for n in payload["variables"]["ids"]
                        ]
                        self._send(200, {"data": {"nodes": nodes}})
                        return
                    node_id = payload["variables"]["id"]
                    if "minimizeComment" not in payload["query"]:
                        self._send(200, {"errors": [{"message": "unknown query"}]})
                        return
                    fake.minimized.append(node_id)
                    self._send(200, {"data": {"minimizeComment": {"minimizedComment": {"isMinimized": True}}}})
                    return
                if fake.prefix:
                    if not path.startswith(fake.prefix + "/"):
                        self._send(404, {"message": "Not Found"})
                        return
                    path = path[len(fake.prefix) :]
                if payload and isinstance(payload.get("body"), str) and len(payload["body"]) > fake.max_body:
                    self._send(422, {"message": "Validation Failed", "errors": [{"field": "body", "code": "custom"}]})
                    return
                if match := LIST_RE.match(path):
                    if match.group(1) != "o/r":
                        self._send(404, {"message": "Not Found"})
                    elif method == "GET":
                        self._list(parsed.query, parsed.path)
                    elif method == "POST":
                        comment = fake.add_own_comment(payload["body"])
                        self._send(201, comment)
                    else:
                        self._send(405, {"message": "Method Not Allowed"})
                    return
                if path == "/user" and method == "GET":
                    if fake.pat_login:
                        self._send(200, {"login": fake.pat_login, "type": "User"})
                    else:
                        self._send(403, {"message": "Resource not accessible by integration"})
                    return
                if match := ONE_RE.match(path):
                    comment = next((c for c in fake.comments if c["id"] == int(match.group(2))), None)
                    if comment is None:
                        self._send(404, {"message": "Not Found"})
                    elif comment["user"]["login"] != fake.viewer[0] and not fake.admin:
                        self._send(403, {"message": "Must have admin rights to Repository."})
                    elif method == "PATCH":
                        comment["body"] = payload["body"]
                        self._send(200, comment)
                    elif method == "DELETE":
                        fake.comments.remove(comment)
                        self._send(204)
                    else:
                        self._send(405, {"message": "Method Not Allowed"})
                    return
                self._send(404, {"message": "Not Found"})

            def _list(self, query: str, path: str) -> None:
                params = parse_qs(query)
                per_page = min(int(params.get("per_page", ["30"])[0]), fake.max_per_page)
                page = int(params.get("page", ["1"])[0])
                items = fake.comments[(page - 1) * per_page : page * per_page]
                last = max(1, -(-len(fake.comments) // per_page))
                links = []
                base = f"http://127.0.0.1:{fake.server.server_address[1]}{path}"
                if page < last:
                    links.append(f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"')
                    links.append(f'<{base}?per_page={per_page}&page={last}>; rel="last"')
                self._send(200, items, {"Link": ", ".join(links)} if links else {})

            def do_GET(self) -> None:  # noqa: N802
                self._dispatch("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._dispatch("POST")

            def do_PATCH(self) -> None:  # noqa: N802
                self._dispatch("PATCH")

            def do_DELETE(self) -> None:  # noqa: N802
                self._dispatch("DELETE")

        return Handler
