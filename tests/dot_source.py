"""Reading what draw_dot and draw_network write: the DOT source's nodes, edges and
records, and whether a file is a PNG."""

from __future__ import annotations

import re
import shutil

import pytest

PNG = b"\x89PNG\r\n\x1a\n"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def nodes_of(source: str) -> dict[str, str]:
    """{node id: its attribute text} for every node statement, the legend left out."""
    found = dict(re.findall(r"^\t(\w+) \[(.*)\]$", source, flags=re.M))
    for keyword in ("legend", "graph", "node", "edge"):
        found.pop(keyword, None)
    return found


def edges_of(source: str) -> list[tuple[str, str, str]]:
    """(tail, head, attribute text) for every edge statement."""
    return re.findall(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$", source, flags=re.M)


def record(source: str, node_id: str) -> str:
    return re.search(r'label="(\{.*?\})"', nodes_of(source)[node_id]).group(1)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from the PNG header."""
    assert data.startswith(PNG)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
