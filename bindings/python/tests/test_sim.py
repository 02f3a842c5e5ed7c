# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""rpmsg.SimulatedRemote: handler, send, credits, MTU, pause, channels, crash."""

import errno
import threading

import pytest

import rpmsg
from conftest import REMOTE, dispatch_until, fill_tx


def test_echo_and_rx_count(ctx, sim, ept):
    got = []
    ept.on_message = lambda d, s: got.append(d)
    before = sim.rx_count
    ept.send(b"e")
    dispatch_until(ctx, lambda: got)
    assert got == [b"e"] and sim.rx_count == before + 1


def test_handler_replies_from_the_simulator_thread(ctx, sim, ept):
    threads = []

    def handler(src, dst, data):
        threads.append(threading.get_ident())
        sim.send(dst, src, data.upper())
        sim.send(dst, src, b"second")

    sim.handler = handler
    assert sim.handler is handler
    got = []
    ept.on_message = lambda d, s: got.append((d, s))
    ept.send(b"shout")
    dispatch_until(ctx, lambda: len(got) == 2)
    assert got == [(b"SHOUT", REMOTE), (b"second", REMOTE)]
    assert threads and threads[0] != threading.get_ident()
    sim.handler = None  # back to the echo
    ept.send(b"echo")
    dispatch_until(ctx, lambda: len(got) == 3)
    assert got[2] == (b"echo", REMOTE)


def test_handler_exception_is_raised_by_dispatch(ctx, sim, ept):
    def handler(src, dst, data):
        raise RuntimeError("remote failed")

    sim.handler = handler
    ept.send(b"x")
    with pytest.raises(RuntimeError, match="remote failed"):
        dispatch_until(ctx, lambda: False, timeout=5)


def test_close_from_the_handler_raises_edeadlk(ctx, sim, ept):
    """The simulator's thread cannot free its own simulator, nor the context
    that owns it: both closes raise EDEADLK there and change nothing."""
    seen = []

    def handler(src, dst, data):
        for close in (sim.close, ctx.close):
            try:
                close()
                seen.append(None)
            except OSError as e:
                seen.append(e.errno)
        sim.send(dst, src, data)

    sim.handler = handler
    got = []
    ept.on_message = lambda d, s: got.append(d)
    ept.send(b"close")
    dispatch_until(ctx, lambda: got)
    assert seen == [errno.EDEADLK, errno.EDEADLK]
    assert not sim.closed and not ctx.closed
    sim.handler = None
    ept.send(b"still")
    dispatch_until(ctx, lambda: len(got) == 2)
    assert got == [b"close", b"still"]


def test_unsolicited_send(ctx, sim, ept):
    got = []
    ept.on_message = lambda d, s: got.append((d, s))
    sim.send(99, ept.src, memoryview(b"push"))
    dispatch_until(ctx, lambda: got)
    assert got == [(b"push", REMOTE)]


def test_pause_resume_and_credits(ctx, sim, ept):
    sim.set_tx_credits(2)
    sim.pause()
    n = fill_tx(ept)
    assert n >= 2
    got = []
    ept.on_message = lambda d, s: got.append(d)
    sim.resume()
    dispatch_until(ctx, lambda: len(got) == n)
    ept.trysend(b"room again")


def test_sim_mtu(ctx, sim):
    sim.set_mtu(100)
    with sim.ctrl.create_endpoint("small", dst=REMOTE) as e:
        assert e.mtu == 100
        with pytest.raises(OSError) as exc:
            sim.send(1, e.src, bytes(101))
        assert exc.value.errno == errno.EMSGSIZE


def test_crash_and_restart(ctx, sim, ept):
    sim.crash()
    with pytest.raises(BrokenPipeError):
        sim.ctrl.create_endpoint("x", dst=REMOTE)
    sim.restart()
    with sim.ctrl.create_endpoint("again", dst=REMOTE) as e:
        got = []
        e.on_message = lambda d, s: got.append(d)
        e.send(b"back")
        dispatch_until(ctx, lambda: got)
    assert ept.is_down


def test_announce_withdraw_argument_errors(sim):
    with pytest.raises(ValueError):
        sim.announce("", 1)
    with pytest.raises(OSError) as e:
        sim.announce("any", rpmsg.ADDR_ANY)
    assert e.value.errno == errno.EINVAL


def test_close_sim_takes_endpoints_down(ctx, sim, ept):
    downs = []
    ept.on_down = downs.append
    ctrl = sim.ctrl
    sim.close()
    sim.close()
    assert sim.closed and ctrl.closed and not ept.closed
    dispatch_until(ctx, lambda: downs)
    with pytest.raises(BrokenPipeError):
        ept.send(b"x")
    with pytest.raises(ValueError):
        sim.ctrl
    with pytest.raises(ValueError):
        ctrl.create_endpoint("x")


def test_pollout_flag(ctx):
    with ctx.simulate(pollout=True) as sim:
        with sim.ctrl.create_endpoint("po", dst=REMOTE) as e:
            e.send(b"x")
