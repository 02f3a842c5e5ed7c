# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""rpmsg.Context: engines, fd, dispatch, lifetime, module constants."""

import errno
import os
import select
import time

import pytest

import rpmsg


def test_module_constants():
    assert rpmsg.__version__.count(".") == 2
    assert rpmsg.ADDR_ANY == 0xFFFFFFFF
    assert rpmsg.MTU_DEFAULT == 496
    assert rpmsg.MTU_MAX == 65536
    assert rpmsg.NAME_SIZE == 32
    assert rpmsg.SEND_TIMEOUT_DEFAULT == 15.0


@pytest.mark.parametrize("engine", ["io_uring", "epoll", rpmsg.Engine.EPOLL])
def test_forced_engine(engine):
    with rpmsg.Context(engine=engine) as ctx:
        assert ctx.engine == rpmsg.Engine(engine)


def test_default_engine_follows_environment(monkeypatch):
    monkeypatch.setenv("RPMSG_ENGINE", "epoll")
    with rpmsg.Context() as ctx:
        assert ctx.engine is rpmsg.Engine.EPOLL


def test_invalid_engine_environment_is_einval(monkeypatch):
    monkeypatch.setenv("RPMSG_ENGINE", "carrier-pigeon")
    with pytest.raises(OSError) as exc:
        rpmsg.Context()
    assert exc.value.errno == errno.EINVAL
    assert "rpmsg_ctx_new" in str(exc.value)


def test_unknown_engine_argument():
    with pytest.raises(ValueError):
        rpmsg.Context(engine="sctp")


def test_fd_is_pollable(ctx):
    assert isinstance(ctx.fd, int) and ctx.fd >= 0
    # Nothing to do: the descriptor is not readable and dispatch(0) runs nothing.
    assert select.select([ctx.fd], [], [], 0)[0] == []
    assert ctx.dispatch(0) == 0


def test_fd_readable_when_work_is_queued(ctx, ept):
    ept.send_async(b"x")
    assert select.select([ctx.fd], [], [], 5)[0] == [ctx.fd]


def test_dispatch_timeout(ctx):
    t0 = time.monotonic()
    assert ctx.dispatch(0.05) == 0
    assert time.monotonic() - t0 >= 0.04


@pytest.mark.parametrize("bad,exc", [(-1, ValueError), (float("nan"), ValueError),
                                     ("1", TypeError), (1e12, ValueError)])
def test_dispatch_bad_timeout(ctx, bad, exc):
    with pytest.raises(exc):
        ctx.dispatch(bad)


def test_dispatch_from_callback_is_ebusy(ctx, ept):
    seen = []

    def on_message(data, src):
        try:
            ctx.dispatch(0)
        except OSError as e:
            seen.append(e)

    ept.on_message = on_message
    ept.send(b"x")
    from conftest import dispatch_until
    dispatch_until(ctx, lambda: seen)
    assert seen[0].errno == errno.EBUSY


def test_close_from_callback_is_ebusy_and_changes_nothing(ctx, sim, ept):
    """rpmsg_ctx_free refuses inside a callback (EBUSY): close() raises that
    before it closes anything, so nothing leaks and the context keeps working."""
    seen = []

    def on_message(data, src):
        try:
            ctx.close()
        except OSError as e:
            seen.append(e)

    ept.on_message = on_message
    ept.send(b"x")
    from conftest import dispatch_until
    dispatch_until(ctx, lambda: seen)
    assert type(seen[0]) is OSError and seen[0].errno == errno.EBUSY
    assert not (ctx.closed or sim.closed or sim.ctrl.closed or ept.closed)
    got = []
    ept.on_message = lambda data, src: got.append(data)
    ept.send(b"after")
    dispatch_until(ctx, lambda: got)
    assert got == [b"after"]


def test_close_from_completion_run_by_endpoint_close_is_ebusy(ctx, sim):
    """A completion that Endpoint.close() runs (ECANCELED) is a callback too."""
    ept = sim.ctrl.create_endpoint("rpmsg-raw", dst=30)
    seen = []

    def done(error):
        seen.append(error.errno)
        try:
            ctx.close()
        except OSError as e:
            seen.append(e.errno)

    ept.send_async(b"queued", done)
    ept.close()
    assert seen == [errno.ECANCELED, errno.EBUSY]
    assert not ctx.closed and not sim.closed
    ctx.close()
    assert ctx.closed and sim.closed


def test_children_closed_from_callback(ctx, sim, ept):
    """Closing the endpoint, the simulator and the control device from a
    callback is allowed: they close, the context stays open and usable."""
    ctrl = sim.ctrl
    other = ctrl.create_endpoint("rpmsg-raw", dst=31)
    calls = []

    def on_message(data, src):
        calls.append(data)
        ept.close()
        other.close()
        sim.close()
        ctrl.close()

    ept.on_message = on_message
    ept.send(b"x")
    from conftest import dispatch_until
    dispatch_until(ctx, lambda: calls)
    for _ in range(3):
        ctx.dispatch(0.01)
    assert calls == [b"x"]
    assert ept.closed and other.closed and sim.closed and not ctx.closed
    with ctx.simulate() as again:
        again.ctrl.create_endpoint("rpmsg-raw", dst=30).close()


def test_close_is_idempotent_and_closes_children():
    ctx = rpmsg.Context()
    sim = ctx.simulate()
    ctrl = sim.ctrl
    ept = ctrl.create_endpoint("rpmsg-raw", dst=30)
    ctx.close()
    ctx.close()
    assert ctx.closed and ept.closed and sim.closed and ctrl.closed
    for call in (lambda: ctx.fd, lambda: ctx.dispatch(0), lambda: ept.send(b"x"),
                 lambda: sim.pause(), lambda: ctrl.path, lambda: ctx.simulate()):
        with pytest.raises(ValueError):
            call()
    ept.close()  # closing again after the context is harmless


def test_endpoint_keeps_context_alive():
    ctx = rpmsg.Context()
    sim = ctx.simulate()
    ept = sim.ctrl.create_endpoint("rpmsg-raw", dst=30)
    del ctx, sim
    import gc
    gc.collect()
    assert not ept.closed
    got = []
    ept.on_message = lambda d, s: got.append(d)
    ept.send(b"alive")
    from conftest import dispatch_until
    dispatch_until(ept.context, lambda: got)
    assert got == [b"alive"]
    ept.context.close()


def test_garbage_collected_context_frees_everything():
    import gc
    import weakref
    ctx = rpmsg.Context()
    sim = ctx.simulate()
    ept = sim.ctrl.create_endpoint("rpmsg-raw", dst=30)
    ept.on_message = lambda d, s: ept  # a cycle through the C callback
    ept.close()
    ref = weakref.ref(ctx)
    del ctx, sim, ept
    gc.collect()
    assert ref() is None


def test_repr(ctx):
    assert "engine=" in repr(ctx)
    ctx.close()
    assert "closed" in repr(ctx)


def test_docstrings():
    assert "Send one message" in rpmsg.Endpoint.send.__doc__
    assert "dispatch" in rpmsg.Context.dispatch.__doc__
    for cls in (rpmsg.Context, rpmsg.Endpoint, rpmsg.ControlDevice, rpmsg.SimulatedRemote):
        for name, member in vars(cls).items():
            if not name.startswith("_") and callable(member):
                assert member.__doc__, f"{cls.__name__}.{name} has no docstring"
