"""The browser tests' teardown ends a server's whole process tree, kernels included.

A Jupyter kernel starts a session of its own, so killing the server's process group
alone would leave it running. This runs without Chromium.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from bounds import wait_for

from .lab_server import alive, descendants, stop_process_tree

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc (Linux only)")


def test_stop_ends_the_server_its_group_and_a_child_in_its_own_session():
    # a "server" (sh) with a child in its group and a "kernel" in a new session
    server = subprocess.Popen(
        ["sh", "-c", "sleep 60 & setsid sleep 60 & wait"], start_new_session=True
    )
    wait_for(lambda: len(descendants(server.pid)) >= 2, "the two children started")
    tree = descendants(server.pid) | {server.pid}
    stop_process_tree(server)
    assert not [p for p in tree if alive(p)]
