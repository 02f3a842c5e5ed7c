# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""errno becomes the matching OSError subclass, with the operation named."""

import errno
import os
import subprocess
import sys
import textwrap

import pytest

import rpmsg
from conftest import REMOTE, dispatch_until, fill_tx


def test_eagain_is_blocking_io_error(sim, ept):
    sim.set_tx_credits(1)
    sim.pause()
    fill_tx(ept)
    with pytest.raises(BlockingIOError) as e:
        ept.trysend(b"x")
    assert e.value.errno == errno.EAGAIN and "rpmsg_ept_trysend" in str(e.value)
    with pytest.raises(BlockingIOError):
        ept.trysendto(b"x", REMOTE)


def test_etimedout_is_timeout_error(sim, ept):
    sim.set_tx_credits(1)
    sim.pause()
    fill_tx(ept)
    with pytest.raises(TimeoutError) as e:
        ept.send(b"x", timeout=0.05)
    assert e.value.errno == errno.ETIMEDOUT and "rpmsg_ept_timedsend" in str(e.value)
    ept.send_timeout = 0.05
    with pytest.raises(TimeoutError) as e:
        ept.send(b"x")
    assert "rpmsg_ept_send:" in str(e.value)
    with pytest.raises(TimeoutError):
        ept.send(b"x", timeout=0)


def test_async_timeout_is_timeout_error(ctx, sim, ept):
    sim.set_tx_credits(1)
    sim.pause()
    fill_tx(ept)
    ept.send_timeout = 0.05
    done = []
    ept.send_async(b"x", done.append)
    dispatch_until(ctx, lambda: done)
    assert isinstance(done[0], TimeoutError) and done[0].errno == errno.ETIMEDOUT


def test_epipe_is_broken_pipe_error(ctx, sim, ept):
    downs = []
    ept.on_down = downs.append
    sim.crash()
    dispatch_until(ctx, lambda: downs)
    assert isinstance(downs[0], BrokenPipeError) and downs[0].errno == errno.EPIPE
    assert ept.is_down
    with pytest.raises(BrokenPipeError) as e:
        ept.send(b"x")
    assert "rpmsg_ept_send" in str(e.value)
    with pytest.raises(BrokenPipeError):
        ept.send_async(b"x")
    with pytest.raises(BrokenPipeError):
        sim.ctrl.create_endpoint("after-crash", dst=REMOTE)
    with pytest.raises(BrokenPipeError):
        sim.announce("c", 5)


def test_queued_sends_fail_with_broken_pipe(ctx, sim, ept):
    sim.set_tx_credits(1)
    sim.pause()
    fill_tx(ept)
    done = []
    ept.send_async(b"q", done.append)
    ctx.dispatch(0)
    sim.crash()
    dispatch_until(ctx, lambda: done)
    assert isinstance(done[0], BrokenPipeError)


def test_enoent_is_file_not_found_error(sim):
    with pytest.raises(FileNotFoundError) as e:
        sim.send(1, 0x7777, b"nobody")
    assert e.value.errno == errno.ENOENT and "rpmsg_sim_send" in str(e.value)
    with pytest.raises(FileNotFoundError):
        sim.withdraw("never", 1)


def test_eexist_is_file_exists_error(sim):
    sim.announce("twice", 9)
    with pytest.raises(FileExistsError) as e:
        sim.announce("twice", 9)
    assert e.value.errno == errno.EEXIST


def test_emsgsize(ept):
    with pytest.raises(OSError) as e:
        ept.send(bytes(rpmsg.MTU_DEFAULT + 1))
    assert type(e.value) is OSError and e.value.errno == errno.EMSGSIZE
    with pytest.raises(OSError) as e:
        ept.send_async(bytes(rpmsg.MTU_DEFAULT + 1))
    assert e.value.errno == errno.EMSGSIZE and "rpmsg_ept_send_async" in str(e.value)


def test_argument_errors_are_type_and_value_errors(ept, sim):
    with pytest.raises(TypeError):
        ept.send("text is not bytes")
    with pytest.raises(TypeError):
        ept.send(12)
    with pytest.raises(TypeError):
        ept.send_async(b"x", callback=42)
    with pytest.raises(TypeError):
        ept.on_message = "not callable"
    with pytest.raises(TypeError):
        ept.on_down = 3
    with pytest.raises(ValueError):
        ept.send(b"x", timeout=-0.5)
    with pytest.raises(ValueError):
        ept.sendto(b"x", 1 << 40)
    with pytest.raises(ValueError):
        sim.set_tx_credits(0)
    with pytest.raises(ValueError):
        sim.set_mtu(rpmsg.MTU_MAX + 1)
    with pytest.raises(TypeError):
        sim.handler = object()


def test_eacces_is_permission_error(tmp_path):
    """A node under a directory we may not search; root runs it without DAC override."""
    locked = tmp_path / "locked"
    locked.mkdir()
    node = locked / "rpmsg_ctrl0"
    node.write_bytes(b"")
    locked.chmod(0)
    code = textwrap.dedent(f"""
        import rpmsg
        with rpmsg.Context() as ctx:
            for open_ in (ctx.open_ctrl, ctx.open_endpoint):
                try:
                    open_({str(node)!r})
                except PermissionError as e:
                    print("PermissionError", e.errno, e.filename == {str(node)!r}, e.strerror)
    """)
    prefix = []
    if os.getuid() == 0:
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    try:
        out = subprocess.run(prefix + [sys.executable, "-c", code], capture_output=True,
                             text=True, timeout=60)
    finally:
        locked.chmod(0o700)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 2, out.stdout
    # The path in .filename, as open() puts it there.
    assert lines == [f"PermissionError {errno.EACCES} True {os.strerror(errno.EACCES)}"] * 2


def test_flat_ctrl_functions_given_none_fail_einval():
    """The NULL rule through the flat layer: None for a context or control
    device fails with OSError EINVAL (or gives the neutral value), no crash."""
    ll = rpmsg._lowlevel
    calls = [
        lambda: ll.rpmsg_ctrl_open(None, "/dev/null"),
        lambda: ll.rpmsg_ctrl_open_rproc(None, None),
        lambda: ll.rpmsg_ctrl_create_ept(None, "x", rpmsg.ADDR_ANY, REMOTE),
        lambda: ll.rpmsg_ctrl_create_channel(None, "x", rpmsg.ADDR_ANY, REMOTE),
        lambda: ll.rpmsg_ctrl_release_channel(None, "x", rpmsg.ADDR_ANY, REMOTE),
        lambda: ll.rpmsg_ctrl_open_channel(None, "x", rpmsg.ADDR_ANY),
    ]
    for call in calls:
        with pytest.raises(OSError) as e:
            call()
        assert e.value.errno == errno.EINVAL
    assert ll.rpmsg_ctrl_get_path(None) is None
    assert ll.rpmsg_ctrl_close(None) is None
