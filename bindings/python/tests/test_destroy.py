# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""Endpoint.destroy() and Endpoint.set_destroy_on_close(): the device's lifetime."""

import asyncio
import errno
import os
import socket

import pytest

import rpmsg
import rpmsg.aio
from conftest import REMOTE, dispatch_until


def test_destroy_takes_the_endpoint_down(ctx, sim, ept):
    downs, done = [], []
    ept.on_down = downs.append
    before = sim.rx_count
    sim.set_tx_credits(1)
    sim.pause()
    for _ in range(5):
        ept.send_async(b"queued", done.append)
    assert ept.destroy() is None
    assert ept.is_down and not ept.closed
    with pytest.raises(BrokenPipeError) as e:
        ept.send(b"x")
    assert e.value.errno == errno.EPIPE
    with pytest.raises(BrokenPipeError) as e:
        ept.destroy()
    assert e.value.errno == errno.EPIPE and "rpmsg_ept_destroy" in str(e.value)
    dispatch_until(ctx, lambda: len(done) == 5 and downs)
    assert all(isinstance(d, BrokenPipeError) and d.errno == errno.EPIPE for d in done)
    assert len(downs) == 1 and isinstance(downs[0], BrokenPipeError)
    sim.resume()
    ctx.dispatch(0.05)
    assert len(downs) == 1 and len(done) == 5
    # The remote forgot the endpoint: nothing reached it, and nothing can.
    assert sim.rx_count == before
    with pytest.raises(FileNotFoundError):
        sim.send(REMOTE, ept.src, b"late")
    ept.close()
    assert ept.closed


def test_destroy_after_down_is_broken_pipe(ctx, sim, ept):
    downs = []
    ept.on_down = downs.append
    sim.crash()
    dispatch_until(ctx, lambda: downs)
    with pytest.raises(BrokenPipeError) as e:
        ept.destroy()
    assert e.value.errno == errno.EPIPE


def test_destroy_on_close_unsupported_on_simulated_endpoint(ept):
    for destroy in (True, False):
        with pytest.raises(OSError) as e:
            ept.set_destroy_on_close(destroy)
        assert e.value.errno == errno.EOPNOTSUPP
        assert "rpmsg_ept_set_destroy_on_close" in str(e.value)
    assert not ept.is_down


def test_adopted_socket_lives_with_its_handle(ctx):
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with ctx.adopt_fd(a.detach()) as ept, b:
        with pytest.raises(OSError) as e:
            ept.destroy()
        assert e.value.errno == errno.EOPNOTSUPP and "rpmsg_ept_destroy" in str(e.value)
        with pytest.raises(OSError) as e:
            ept.set_destroy_on_close(True)
        assert e.value.errno == errno.EOPNOTSUPP
        assert not ept.is_down
        ept.send(b"still up")
        assert b.recv(100) == b"still up"


@pytest.fixture
def pty_endpoint(ctx, tmp_path):
    """/dev/ptmx passed off as endpoint device rpmsg0 by a fabricated sysfs
    tree: a device opened by path whose DESTROY ioctl the kernel refuses."""
    rdev = os.stat("/dev/ptmx").st_rdev
    d = tmp_path / "sys" / "class" / "rpmsg" / "rpmsg0"
    d.mkdir(parents=True)
    for name, value in (("dev", f"{os.major(rdev)}:{os.minor(rdev)}"), ("name", "rpmsg-raw"),
                        ("src", "1024"), ("dst", "1040")):
        (d / name).write_text(value + "\n")
    ctx.set_roots(str(tmp_path / "sys"), str(tmp_path / "dev"))
    with ctx.open_endpoint("/dev/ptmx") as ept:
        yield ept


def test_destroy_reports_the_kernel_error(pty_endpoint):
    ept = pty_endpoint
    assert (ept.name, ept.src, ept.dst) == ("rpmsg-raw", 1024, 1040)
    with pytest.raises(OSError) as e:
        ept.destroy()
    assert type(e.value) is OSError and e.value.errno == errno.ENOTTY
    assert not ept.is_down


def test_set_destroy_on_close_on_a_device_opened_by_path(pty_endpoint):
    ept = pty_endpoint
    assert ept.set_destroy_on_close(True) is None
    assert ept.set_destroy_on_close(False) is None
    for bad in (1, None, "yes"):
        with pytest.raises(TypeError):
            ept.set_destroy_on_close(bad)


def test_closed_endpoint_raises_value_error(sim):
    ept = sim.ctrl.create_endpoint("gone", dst=REMOTE)
    ept.close()
    with pytest.raises(ValueError):
        ept.destroy()
    with pytest.raises(ValueError):
        ept.set_destroy_on_close(False)


def test_closing_endpoint_raises_value_error(sim):
    """From a send completion that close() runs, the endpoint is already closed."""
    ept = sim.ctrl.create_endpoint("closing", dst=REMOTE)
    sim.pause()
    ept.send_async(b"x", lambda error: ept.destroy())
    with pytest.raises(ValueError):
        ept.close()
    assert ept.closed


def test_aio_iteration_ends_when_destroyed(sim):
    async def main():
        ept = rpmsg.aio.open_endpoint(sim.ctrl, "aio", dst=REMOTE)
        await ept.send(b"one")
        got = [await ept.recv()]
        ept.endpoint.destroy()
        async for msg in ept:
            got.append(msg)
        with pytest.raises(BrokenPipeError):
            await ept.recv()
        with pytest.raises(BrokenPipeError):
            await ept.send(b"two")
        ept.close()
        return got

    assert asyncio.run(asyncio.wait_for(main(), 60)) == [b"one"]
