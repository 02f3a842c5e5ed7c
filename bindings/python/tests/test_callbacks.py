# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""Callbacks: any callable, replacement, close inside, exceptions, references."""

import builtins
import errno
import functools
import gc
import sys
import threading
import tracemalloc

import pytest

import rpmsg
from conftest import REMOTE, dispatch_until


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, *args):
        self.calls.append(args)

    def method(self, *args):
        self.calls.append(("method",) + args)


def test_any_callable(ctx, ept):
    rec = Recorder()
    for cb in (rec, rec.method, functools.partial(rec, "partial"), lambda d, s: rec("lambda", d)):
        ept.on_message = cb
        assert ept.on_message is cb
        ept.send(b"m")
        before = len(rec.calls)
        dispatch_until(ctx, lambda: len(rec.calls) > before)
    assert rec.calls == [(b"m", REMOTE), ("method", b"m", REMOTE),
                         ("partial", b"m", REMOTE), ("lambda", b"m")]


def test_messages_wait_for_a_callback(ctx, ept):
    ept.send(b"early")
    ctx.dispatch(0.1)
    got = []
    ept.on_message = lambda d, s: got.append(d)
    dispatch_until(ctx, lambda: got)
    assert got == [b"early"]


def test_replace_inside_own_callback(ctx, ept):
    seen = []

    def second(d, s):
        seen.append(("second", d))

    def first(d, s):
        seen.append(("first", d))
        ept.on_message = second  # drops the last reference to this function

    ept.on_message = first
    del first
    ept.send(b"1")
    ept.send(b"2")
    dispatch_until(ctx, lambda: len(seen) == 2)
    assert seen == [("first", b"1"), ("second", b"2")]


def test_clear_inside_callback_keeps_later_messages(ctx, ept):
    got = []

    def once(d, s):
        got.append(d)
        ept.on_message = None

    ept.on_message = once
    ept.send(b"a")
    ept.send(b"b")
    dispatch_until(ctx, lambda: got)
    ctx.dispatch(0.1)
    assert got == [b"a"]
    ept.on_message = lambda d, s: got.append(d)
    dispatch_until(ctx, lambda: len(got) == 2)
    assert got == [b"a", b"b"]


def test_close_inside_own_callback(ctx, sim):
    ept = sim.ctrl.create_endpoint("closer", dst=REMOTE)
    got = []
    done = []

    def on_message(d, s):
        got.append(d)
        ept.close()  # frees the callback that is running

    ept.on_message = on_message
    del on_message
    ept.send(b"x")
    ept.send(b"y")
    dispatch_until(ctx, lambda: got)
    ctx.dispatch(0.1)
    assert got == [b"x"] and ept.closed


def test_close_inside_send_completion(ctx, sim):
    ept = sim.ctrl.create_endpoint("closer", dst=REMOTE)
    results = []

    def done(err):
        results.append(err)
        ept.send_async(b"3", results.append)
        ept.close()  # the send just queued is cancelled from inside this completion

    ept.send_async(b"1", done)
    dispatch_until(ctx, lambda: len(results) == 2)
    assert results[0] is None and ept.closed
    assert isinstance(results[1], OSError) and results[1].errno == errno.ECANCELED


def test_on_down(ctx, sim, ept):
    downs = []
    ept.on_down = downs.append
    assert ept.on_down == downs.append
    sim.crash()
    dispatch_until(ctx, lambda: downs)
    ctx.dispatch(0.05)
    assert len(downs) == 1 and isinstance(downs[0], BrokenPipeError)


def test_on_down_set_after_the_fact(ctx, sim, ept):
    sim.crash()
    dispatch_until(ctx, lambda: ept.is_down)
    downs = []
    ept.on_down = downs.append
    dispatch_until(ctx, lambda: downs)
    assert downs[0].errno == errno.EPIPE


def test_withdrawn_channel_goes_down(ctx, sim):
    sim.announce("temp", 60)
    with sim.ctrl.open_channel("temp") as ch:
        downs = []
        ch.on_down = downs.append
        sim.withdraw("temp", 60)
        dispatch_until(ctx, lambda: downs)
        assert isinstance(downs[0], OSError)


def test_exception_is_reraised_from_dispatch(ctx, ept):
    got = []

    def bad(d, s):
        got.append(d)
        raise KeyError(d)

    ept.on_message = bad
    ept.send(b"k")
    with pytest.raises(KeyError) as e:
        dispatch_until(ctx, lambda: False)
    assert e.value.args == (b"k",) and got == [b"k"]
    # The traceback reaches into the callback.
    assert any(tb.name == "bad" for tb in e.traceback)


def test_every_exception_is_raised_in_turn(ctx, ept):
    def bad(d, s):
        raise ValueError(d)

    ept.on_message = bad
    ept.send(b"1")
    ept.send(b"2")
    raised = []
    while len(raised) < 2:
        try:
            ctx.dispatch(1)
        except ValueError as exc:
            raised.append(exc.args[0])
    assert raised == [b"1", b"2"]


def test_delivery_continues_after_an_exception(ctx, ept):
    got = []

    def sometimes(d, s):
        got.append(d)
        if d == b"bad":
            raise RuntimeError("bad")

    ept.on_message = sometimes
    for m in (b"ok1", b"bad", b"ok2"):
        ept.send(m)
    with pytest.raises(RuntimeError):
        dispatch_until(ctx, lambda: len(got) == 3)
    dispatch_until(ctx, lambda: len(got) == 3)
    assert got == [b"ok1", b"bad", b"ok2"]


def test_exception_in_completion_cancelled_by_close(ctx, sim):
    ept = sim.ctrl.create_endpoint("x", dst=REMOTE)
    sim.pause()

    def done(err):
        raise LookupError(err.errno)

    ept.send_async(b"1", done)
    with pytest.raises(LookupError) as e:
        ept.close()
    assert e.value.args == (errno.ECANCELED,) and ept.closed


def test_exception_in_completion_cancelled_by_context_close():
    ctx = rpmsg.Context()
    sim = ctx.simulate()
    ept = sim.ctrl.create_endpoint("x", dst=REMOTE)
    sim.pause()
    ept.send_async(b"1", lambda err: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        ctx.close()
    assert ctx.closed and ept.closed


def test_context_close_raises_every_exception_not_raised_yet():
    """One from the remote's handler that no dispatch raised and two from the
    close's cancelled sends: all three, in an ExceptionGroup (the context can
    raise nothing afterwards)."""
    ctx = rpmsg.Context()
    sim = ctx.simulate()
    second_call = threading.Event()

    def handler(src, dst, data):
        if data == b"raise":
            raise KeyError("handler")
        second_call.set()  # the handler runs in order: the first one's exception is kept

    sim.handler = handler
    ept = sim.ctrl.create_endpoint("h", dst=REMOTE)
    ept.send(b"raise")
    ept.send(b"return")
    assert second_call.wait(5)
    a = sim.ctrl.create_endpoint("a", dst=REMOTE)
    b = sim.ctrl.create_endpoint("b", dst=REMOTE)
    sim.pause()
    a.send_async(b"1", lambda err: {}["a"])
    b.send_async(b"1", lambda err: {}["b"])
    group_type = getattr(builtins, "ExceptionGroup", Exception)
    with pytest.raises(group_type) as group:
        ctx.close()
    assert group.value.message == "3 exceptions raised by callbacks"
    assert sorted(x.args for x in group.value.exceptions) == [("a",), ("b",), ("handler",)]
    assert ctx.closed and a.closed and b.closed


def test_references_are_released(ctx, sim):
    ept = sim.ctrl.create_endpoint("refs", dst=REMOTE)
    rx, down, sent = Recorder(), Recorder(), Recorder()
    base = [sys.getrefcount(rx), sys.getrefcount(down), sys.getrefcount(sent)]
    ept.on_message = rx
    ept.on_down = down
    ept.send_async(b"x", sent)
    # on_message/on_down: the C side's reference and the property's.
    assert sys.getrefcount(rx) == base[0] + 2 and sys.getrefcount(down) == base[1] + 2
    assert sys.getrefcount(sent) == base[2] + 1
    dispatch_until(ctx, lambda: sent.calls and rx.calls)
    ept.on_message = Recorder()  # replaced: the first one is released
    assert sys.getrefcount(rx) == base[0]
    assert sys.getrefcount(sent) == base[2]  # completion ran: released
    ept.close()
    assert sys.getrefcount(down) == base[1]


def test_no_leak_over_100000_callbacks(ctx, sim):
    """100 000 callbacks (50 000 echoes and their completions) leave no references
    and no memory behind."""
    ept = sim.ctrl.create_endpoint("leak", dst=REMOTE)
    window = 64
    total = 0
    state = {"sent": 0, "rx": 0, "done": 0}
    payload = b"p" * 32

    def on_sent(err):
        assert err is None
        state["done"] += 1

    def on_message(d, s):
        state["rx"] += 1
        if state["sent"] < total:
            state["sent"] += 1
            ept.send_async(payload, on_sent)

    def run(n):
        state.update(sent=0, rx=0, done=0)
        nonlocal total
        total = n
        for _ in range(min(window, n)):
            state["sent"] += 1
            ept.send_async(payload, on_sent)
        dispatch_until(ctx, lambda: state["rx"] == n and state["done"] == n, timeout=60)

    ept.on_message = on_message
    run(2000)  # warm up caches and free lists
    gc.collect()
    refs = (sys.getrefcount(on_message), sys.getrefcount(on_sent), sys.getrefcount(payload))
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    run(50000)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    assert state["rx"] + state["done"] == 100000
    assert (sys.getrefcount(on_message), sys.getrefcount(on_sent),
            sys.getrefcount(payload)) == refs
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert grown < 64 * 1024, f"{grown} bytes more after 100000 callbacks"
    ept.close()
