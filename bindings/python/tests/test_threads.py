# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""The GIL is released around blocking calls; sends from other threads."""

import threading
import time

import pytest

from conftest import REMOTE, dispatch_until, fill_tx


def spin_while(call):
    """Run call() while another thread counts; return what it counted."""
    stop = threading.Event()
    count = [0]

    def spin():
        while not stop.is_set():
            count[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    time.sleep(0.02)
    start = count[0]
    try:
        call()
    finally:
        counted = count[0] - start
        stop.set()
        t.join()
    return counted


def test_gil_released_during_blocking_send(sim, ept):
    sim.set_tx_credits(1)
    sim.pause()
    fill_tx(ept)

    def blocked_send():
        with pytest.raises(TimeoutError):
            ept.send(b"x", timeout=0.3)

    assert spin_while(blocked_send) > 1000


def test_gil_released_during_dispatch(ctx):
    assert spin_while(lambda: ctx.dispatch(0.3)) > 1000


def test_blocking_send_released_by_resume_from_another_thread(ctx, sim, ept):
    sim.set_tx_credits(1)
    sim.pause()
    fill_tx(ept)
    timer = threading.Timer(0.1, sim.resume)
    timer.start()
    t0 = time.monotonic()
    ept.send(b"after resume", timeout=5)
    assert time.monotonic() - t0 >= 0.05
    timer.join()


def test_send_from_another_thread(ctx, ept):
    got = []
    ept.on_message = lambda d, s: got.append(d)
    t = threading.Thread(target=lambda: [ept.send(b"t%d" % i) for i in range(50)])
    t.start()
    dispatch_until(ctx, lambda: len(got) == 50)
    t.join()
    assert got == [b"t%d" % i for i in range(50)]
