# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""The examples run against the simulated remote and succeed."""

import os
import subprocess
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")


@pytest.mark.parametrize("script,args,expect", [
    ("echo_sync.py", ["-n", "3"], "3 messages echoed"),
    ("echo_async.py", ["-n", "2000"], "2000 messages echoed in order"),
    ("echo_asyncio.py", ["-n", "2000"], "2000 messages echoed in order"),
])
def test_example(script, args, expect):
    out = subprocess.run([sys.executable, os.path.join(EXAMPLES, script)] + args,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert expect in out.stdout
