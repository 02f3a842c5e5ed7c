# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""Fixtures: a context per engine, a simulated remote, an endpoint on it."""

import time

import pytest

import rpmsg

# The simulated remote answers from its own address: 30 stands for a service.
REMOTE = 30


@pytest.fixture(params=["io_uring", "epoll"])
def ctx(request):
    with rpmsg.Context(engine=request.param) as c:
        yield c


@pytest.fixture
def sim(ctx):
    with ctx.simulate() as s:
        yield s


@pytest.fixture
def ept(sim):
    with sim.ctrl.create_endpoint("rpmsg-raw", dst=REMOTE) as e:
        yield e


def dispatch_until(ctx, cond, timeout=5.0):
    """Dispatch until cond() is true; fail the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not cond():
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail("condition not reached within %.1f s" % timeout)
        ctx.dispatch(min(left, 0.5))


def fill_tx(ept):
    """Send until the (paused) remote has no TX buffer left; returns the count.

    The simulator's thread may still be taking messages off the socket when
    the first EAGAIN comes: full means still full a little later."""
    n = 0
    while True:
        try:
            ept.trysend(b"fill")
        except BlockingIOError:
            time.sleep(0.05)
            try:
                ept.trysend(b"fill")
            except BlockingIOError:
                return n
        n += 1
        assert n < 100000, "the remote never ran out of TX buffers"
