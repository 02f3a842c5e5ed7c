# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""rpmsg.Endpoint and rpmsg.ControlDevice: every method on the simulated remote."""

import array
import errno
import socket

import pytest

import rpmsg
from conftest import REMOTE, dispatch_until


def echo(ctx, ept, send):
    got = []
    ept.on_message = lambda data, src: got.append((data, src))
    send()
    dispatch_until(ctx, lambda: got)
    return got[0]


def test_properties(ept, sim):
    assert ept.name == "rpmsg-raw"
    assert ept.dst == REMOTE
    assert 0 <= ept.src < rpmsg.ADDR_ANY
    assert ept.path is None or ept.path.startswith("/")  # the simulator's have no node
    assert ept.fd >= 0
    assert not ept.is_down
    assert ept.mtu == rpmsg.MTU_DEFAULT
    assert ept.send_timeout == rpmsg.SEND_TIMEOUT_DEFAULT
    assert ept.context is sim.context
    assert "rpmsg-raw" in repr(ept)


def test_fixed_src(sim):
    with sim.ctrl.create_endpoint("fixed", src=0x500, dst=REMOTE) as e:
        assert e.src == 0x500


@pytest.mark.parametrize("payload", [b"bytes", bytearray(b"bytearray"), memoryview(b"view"),
                                     array.array("B", b"array"), b""])
def test_send_any_bytes_like(ctx, ept, payload):
    data, src = echo(ctx, ept, lambda: ept.send(payload))
    assert type(data) is bytes and data == bytes(payload) and src == REMOTE


def test_send_with_timeout(ctx, ept):
    assert echo(ctx, ept, lambda: ept.send(b"t", timeout=1.5)) == (b"t", REMOTE)
    assert echo(ctx, ept, lambda: ept.send(b"z", timeout=0)) == (b"z", REMOTE)


def test_trysend(ctx, ept):
    assert echo(ctx, ept, lambda: ept.trysend(b"try")) == (b"try", REMOTE)


def test_send_async_completion(ctx, ept):
    done = []
    got = []
    ept.on_message = lambda d, s: got.append(d)
    ept.send_async(b"a1", done.append)
    ept.send_async(bytearray(b"a2"))  # no callback
    ept.send_async(b"a3", done.append)
    dispatch_until(ctx, lambda: len(got) == 3 and len(done) == 2)
    assert got == [b"a1", b"a2", b"a3"] and done == [None, None]


def test_sendto_other_destination(ctx, ept):
    seen = []
    ept.on_message = lambda d, s: seen.append((d, s))
    ept.sendto(b"to 40", 40)
    ept.trysendto(b"to 41", 41)
    ept.sendto(b"own", REMOTE)
    dispatch_until(ctx, lambda: len(seen) == 3)
    assert sorted(seen) == sorted([(b"to 40", 40), (b"to 41", 41), (b"own", REMOTE)])


def test_mtu_and_timeout_setters(ept):
    ept.mtu = 64
    assert ept.mtu == 64
    ept.send(b"x" * 64)
    with pytest.raises(OSError) as e:
        ept.send(b"x" * 65)
    assert e.value.errno == errno.EMSGSIZE
    for bad, exc in ((0, ValueError), (rpmsg.MTU_MAX + 1, ValueError), ("1", TypeError)):
        with pytest.raises(exc):
            ept.mtu = bad
    ept.send_timeout = 0.25
    assert ept.send_timeout == 0.25
    ept.send_timeout = None
    assert ept.send_timeout is None
    with pytest.raises(ValueError):
        ept.send_timeout = -1


def test_receive_only_endpoint(sim):
    with sim.ctrl.create_endpoint("rx-only") as e:
        assert e.dst == rpmsg.ADDR_ANY
        got = []
        e.on_message = lambda d, s: got.append(d)
        sim.send(REMOTE, e.src, b"in")
        dispatch_until(sim.context, lambda: got)
        assert got == [b"in"]
        for send in (e.send, e.trysend, lambda d: e.sendto(d, rpmsg.ADDR_ANY)):
            with pytest.raises(OSError) as exc:
                send(b"x")
            assert exc.value.errno == errno.EINVAL


def test_create_endpoint_argument_errors(sim):
    ctrl = sim.ctrl
    with pytest.raises(ValueError):
        ctrl.create_endpoint("")
    with pytest.raises(ValueError):
        ctrl.create_endpoint("n" * 32)
    with pytest.raises(TypeError):
        ctrl.create_endpoint(b"bytes-name")
    with pytest.raises(ValueError):
        ctrl.create_endpoint("x", dst=-1)
    with pytest.raises(ValueError):
        ctrl.create_endpoint("x", src=1 << 32)
    with pytest.raises(TypeError):
        ctrl.create_endpoint("x", dst="30")
    with pytest.raises(TypeError):
        ctrl.create_endpoint("x", dst=True)


def test_address_in_use(sim):
    with sim.ctrl.create_endpoint("a", src=0x600, dst=REMOTE):
        with pytest.raises(OSError) as e:
            sim.ctrl.create_endpoint("b", src=0x600, dst=REMOTE)
        assert e.value.errno in (errno.EINVAL, errno.EADDRINUSE, errno.EBUSY)


def test_channels(ctx, sim):
    ctrl = sim.ctrl
    assert ctrl.path == "sim:"
    sim.announce("svc-chan", 77)
    with ctrl.open_channel("svc-chan") as ch:
        assert (ch.name, ch.dst) == ("svc-chan", 77)
        assert echo(ctx, ch, lambda: ch.send(b"c")) == (b"c", 77)
        with pytest.raises(OSError) as e:
            ctrl.open_channel("svc-chan", 77)
        assert e.value.errno == errno.EBUSY
    with pytest.raises(FileNotFoundError):
        ctrl.open_channel("nothing")
    # The simulated transport announces channels; it takes no requests.
    for call in (lambda: ctrl.create_channel("c", 1, 2), lambda: ctrl.release_channel("c")):
        with pytest.raises(OSError) as e:
            call()
        assert e.value.errno == errno.EOPNOTSUPP


def test_adopt_socket(ctx):
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with ctx.adopt_fd(a.detach()) as ept, b:
        assert ept.path is None and ept.name == ""
        got = []
        ept.on_message = lambda d, s: got.append(d)
        ept.send(b"out")
        assert b.recv(100) == b"out"
        b.send(b"in")
        dispatch_until(ctx, lambda: got)
        assert got == [b"in"]
        with pytest.raises(OSError) as e:
            ept.sendto(b"x", 1234)
        assert e.value.errno == errno.EOPNOTSUPP


def test_adopt_bad_fd(ctx):
    with pytest.raises(OSError) as e:
        ctx.adopt_fd(99999)
    assert e.value.errno == errno.EBADF
    with pytest.raises(TypeError):
        ctx.adopt_fd("3")


def test_close_and_reuse(ctx, sim):
    ept = sim.ctrl.create_endpoint("once", dst=REMOTE)
    ept.close()
    ept.close()
    assert ept.closed and "closed" in repr(ept)
    for call in (lambda: ept.send(b"x"), lambda: ept.trysend(b"x"), lambda: ept.mtu,
                 lambda: ept.send_async(b"x"), lambda: setattr(ept, "on_message", None)):
        with pytest.raises(ValueError):
            call()


def test_control_device_close(ctx, sim):
    ctrl = sim.ctrl
    with ctrl:
        pass
    assert "sim:" in repr(sim.ctrl)  # the simulator owns it: close is a no-op


def test_cancelled_sends_on_close(ctx, sim, ept):
    sim.pause()
    done = []
    for _ in range(3):
        ept.send_async(b"late", done.append)
    ept.close()
    assert len(done) == 3
    assert all(isinstance(e, OSError) and e.errno == errno.ECANCELED for e in done)
