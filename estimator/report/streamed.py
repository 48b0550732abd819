"""Report text produced by writing to a sink, so a large report never exists as one string."""

from __future__ import annotations

from collections.abc import Callable

Sink = Callable[[str], object]


class Streamed:
    """Text that ``emit`` writes piece by piece; ``str()`` joins it for callers that want it whole."""

    def __init__(self, write_to: Callable[[Sink], None]) -> None:
        self.write_to = write_to

    def __str__(self) -> str:
        pieces: list[str] = []
        self.write_to(pieces.append)
        return "".join(pieces)
