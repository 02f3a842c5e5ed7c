# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""The GIL is released around blocking calls; sends from other threads."""

import subprocess
import sys
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


# Runs in a child interpreter: a deadlock there (the GIL held while waiting for
# the simulator's lock, whose holder waits for the GIL) can only be ended by
# faulthandler's watchdog thread, which needs no GIL to dump and exit.
SIM_CALLS_DURING_HANDLER = r"""
import faulthandler, sys, threading, time
import rpmsg

faulthandler.dump_traceback_later(20, exit=True)
REMOTE = 30
in_handler = threading.Event()


def handler(src, dst, data):
    in_handler.set()
    # The simulator's lock is held in here; sleeping lets the main thread run
    # its next call, which then waits for this handler to return.
    time.sleep(0.05)


with rpmsg.Context(engine=sys.argv[1]) as ctx:
    sim = ctx.simulate()
    sim.handler = handler
    trigger = sim.ctrl.create_endpoint("trigger", dst=REMOTE)

    def while_handler_runs(name, call):
        in_handler.clear()
        trigger.send(b"run the handler", timeout=5)
        if not in_handler.wait(5):
            sys.exit(f"{name}: the handler did not run")
        call()
        print(name, flush=True)

    while_handler_runs("held_count", lambda: sim.held_count)
    while_handler_runs("rx_count", lambda: sim.rx_count)
    while_handler_runs("set_tx_credits", lambda: sim.set_tx_credits(256))
    while_handler_runs("set_mtu", lambda: sim.set_mtu(rpmsg.MTU_DEFAULT))
    while_handler_runs("send", lambda: sim.send(REMOTE, trigger.src, b"to linux"))
    while_handler_runs("announce", lambda: sim.announce("chan", 40))
    chan = []
    while_handler_runs("open_channel", lambda: chan.append(sim.ctrl.open_channel("chan", 40)))
    while_handler_runs("channel close", chan[0].close)
    while_handler_runs("withdraw", lambda: sim.withdraw("chan", 40))
    while_handler_runs("handler", lambda: setattr(sim, "handler", handler))
    other = []
    while_handler_runs("create_endpoint", lambda: other.append(
        sim.ctrl.create_endpoint("other", dst=REMOTE)))
    while_handler_runs("sendto", lambda: other[0].sendto(b"x", REMOTE + 1))
    while_handler_runs("trysendto", lambda: other[0].trysendto(b"x", REMOTE + 2))
    while_handler_runs("destroy", other[0].destroy)
    while_handler_runs("endpoint close", other[0].close)
    while_handler_runs("pause", sim.pause)
    sim.resume()
    while_handler_runs("resume", sim.resume)
    while_handler_runs("crash", sim.crash)
    sim.restart()
    trigger = sim.ctrl.create_endpoint("trigger", dst=REMOTE)
    while_handler_runs("restart", sim.restart)
    while_handler_runs("close", sim.close)
    ctx.dispatch(0)
"""


@pytest.mark.parametrize("engine", ["io_uring", "epoll"])
def test_every_sim_call_while_a_python_handler_runs(engine):
    """Each call that takes the simulator's lock releases the GIL first."""
    out = subprocess.run([sys.executable, "-c", SIM_CALLS_DURING_HANDLER, engine],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.split() == [
        "held_count", "rx_count", "set_tx_credits", "set_mtu", "send", "announce",
        "open_channel", "channel", "close", "withdraw", "handler", "create_endpoint", "sendto",
        "trysendto", "destroy", "endpoint", "close", "pause", "resume", "crash", "restart",
        "close"]
