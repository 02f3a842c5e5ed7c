# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""Discovery over a fabricated Linux 6.1 sysfs tree, and opening by path."""

import errno
import os

import pytest

import rpmsg


def _attr(d, name, value):
    with open(os.path.join(d, name), "w") as f:
        f.write(value + "\n")


def _link(root, target, link):
    """Relative symlink root/link -> root/target, as sysfs makes them."""
    link = os.path.join(root, link)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    os.symlink(os.path.relpath(os.path.join(root, target), os.path.dirname(link)), link)


def _bus_device(root, transport, busname, name, src, dst, driver):
    d = f"{transport}/{busname}"
    os.makedirs(os.path.join(root, d))
    for k, v in (("name", name), ("src", f"0x{src:x}"), ("dst", f"0x{dst:x}"),
                 ("announce", "false"), ("modalias", f"rpmsg:{name}"),
                 ("driver_override", driver or "(null)")):
        _attr(os.path.join(root, d), k, v)
    if driver:
        _attr(os.path.join(root, d), "uevent", f"DRIVER={driver}\nMODALIAS=rpmsg:{name}")
        _link(root, f"bus/rpmsg/drivers/{driver}", f"{d}/driver")
        _link(root, d, f"bus/rpmsg/drivers/{driver}/{busname}")
    else:
        _attr(os.path.join(root, d), "uevent", f"MODALIAS=rpmsg:{name}")
    _link(root, "bus/rpmsg", f"{d}/subsystem")
    _link(root, d, f"bus/rpmsg/devices/{busname}")
    return d


def _class_device(root, d, devname, dev, device):
    os.makedirs(os.path.join(root, d), exist_ok=True)
    _attr(os.path.join(root, d), "dev", dev)
    major, minor = dev.split(":")
    _attr(os.path.join(root, d), "uevent", f"MAJOR={major}\nMINOR={minor}\nDEVNAME={devname}")
    _link(root, device, f"{d}/device")
    _link(root, "class/rpmsg", f"{d}/subsystem")
    _link(root, d, f"class/rpmsg/{devname}")


@pytest.fixture
def tree(tmp_path):
    """remoteproc0 "m4" with rpmsg_ctrl0, endpoint rpmsg0 ("svc", 1024 -> 30)
    and a channel "chan" 1025 -> 40 without an endpoint device."""
    base = os.path.realpath(tmp_path)
    root = os.path.join(base, "sys")
    for d in ("class/rpmsg", "class/remoteproc", "bus/rpmsg/devices",
              "bus/rpmsg/drivers/rpmsg_chrdev", "bus/rpmsg/drivers/rpmsg_ns",
              "bus/rpmsg/drivers/rpmsg_ctrl", "devices/platform"):
        os.makedirs(os.path.join(root, d))
    os.makedirs(os.path.join(base, "dev"))
    rproc = "devices/platform/rproc-sim.0/remoteproc/remoteproc0"
    os.makedirs(os.path.join(root, rproc))
    for k, v in (("name", "m4"), ("state", "running"), ("firmware", "m4-fw.elf")):
        _attr(os.path.join(root, rproc), k, v)
    _link(root, rproc, "class/remoteproc/remoteproc0")
    transport = f"{rproc}/rproc-virtio.1.auto/virtio0"
    os.makedirs(os.path.join(root, transport))
    _bus_device(root, transport, "virtio0.rpmsg_ns.53.53", "rpmsg_ns", 53, 53, "rpmsg_ns")
    ctrl_bus = _bus_device(root, transport, "virtio0.rpmsg_ctrl.0.0", "rpmsg_ctrl", 0, 0,
                           "rpmsg_ctrl")
    ctrl = f"{ctrl_bus}/rpmsg/rpmsg_ctrl0"
    _class_device(root, ctrl, "rpmsg_ctrl0", "253:0", ctrl_bus)
    ept = f"{ctrl}/rpmsg0"
    os.makedirs(os.path.join(root, ept))
    for k, v in (("name", "svc"), ("src", "1024"), ("dst", "30")):
        _attr(os.path.join(root, ept), k, v)
    _class_device(root, ept, "rpmsg0", "254:0", ctrl)
    _bus_device(root, transport, "virtio0.chan.1025.40", "chan", 1025, 40, None)
    return root, os.path.join(base, "dev")


def test_lists(tree):
    root, dev = tree
    with rpmsg.Context() as ctx:
        ctx.set_roots(root, dev)
        assert (ctx.sysfs_root, ctx.dev_root) == (root, dev)

        ctrls = ctx.list_ctrl_devices()
        assert [(c.type, c.devname, c.name, c.dst, c.path, c.rproc, c.rproc_name)
                for c in ctrls] == [(rpmsg.DeviceType.CTRL, "rpmsg_ctrl0", "rpmsg_ctrl", 0,
                                     dev + "/rpmsg_ctrl0", "remoteproc0", "m4")]
        assert ctrls[0].sysfs_path.startswith(root)

        epts = ctx.list_endpoints()
        assert [(e.type, e.devname, e.name, e.src, e.dst, e.path, e.ctrl) for e in epts] == [
            (rpmsg.DeviceType.ENDPOINT, "rpmsg0", "svc", 1024, 30, dev + "/rpmsg0",
             "rpmsg_ctrl0")]

        chans = ctx.list_channels()
        assert [(c.devname, c.name, c.src, c.dst, c.path) for c in chans] == [
            ("virtio0.chan.1025.40", "chan", 1025, 40, None)]
        with pytest.raises(AttributeError):
            chans[0].name = "other"  # a snapshot

        ctx.set_roots()
        assert (ctx.sysfs_root, ctx.dev_root) == ("/sys", "/dev")


def test_missing_class_is_empty(tmp_path):
    with rpmsg.Context() as ctx:
        ctx.set_roots(tmp_path, tmp_path)
        assert ctx.list_ctrl_devices() == []
        assert ctx.list_endpoints() == []
        assert ctx.list_channels() == []


def test_set_roots_errors(ctx):
    with pytest.raises(OSError) as e:
        ctx.set_roots("")
    assert e.value.errno == errno.EINVAL
    # Both roots travel with the error, as os.rename's two paths do.
    assert (e.value.filename, e.value.filename2) == ("", None)
    with pytest.raises(OSError) as e:
        ctx.set_roots("/sys", "")
    assert e.value.errno == errno.EINVAL and e.value.strerror == os.strerror(errno.EINVAL)
    assert (e.value.filename, e.value.filename2) == ("/sys", "")
    long_root = "/" + "x" * 5000
    with pytest.raises(OSError) as e:
        ctx.set_roots(long_root, "/dev")
    assert e.value.errno == errno.ENAMETOOLONG
    assert (e.value.filename, e.value.filename2) == (long_root, "/dev")
    with pytest.raises(TypeError):
        ctx.set_roots(42)


def test_open_rproc_without_remote_is_enodev(tree):
    root, dev = tree
    with rpmsg.Context() as ctx:
        ctx.set_roots(root, dev)
        with pytest.raises(OSError) as e:
            ctx.open_rproc("remoteproc7")
        assert e.value.errno == errno.ENODEV
        # The control device of "m4" exists in sysfs but has no node in dev.
        with pytest.raises(FileNotFoundError):
            ctx.open_rproc("m4")
        with pytest.raises(TypeError):
            ctx.open_rproc(4)


def test_open_by_path_errors(ctx, tmp_path):
    """Like open(): OSError(errno, strerror, path), the path in .filename."""
    missing = str(tmp_path / "rpmsg_ctrl9")
    for open_ in (ctx.open_ctrl, ctx.open_endpoint):
        with pytest.raises(FileNotFoundError) as e:
            open_(missing)
        assert e.value.errno == errno.ENOENT and e.value.filename == missing
        assert e.value.strerror == os.strerror(errno.ENOENT) and e.value.filename2 is None
        with pytest.raises(FileNotFoundError) as opened:
            open(missing)
        assert str(e.value) == str(opened.value)
    regular = tmp_path / "file"
    regular.write_bytes(b"")
    with pytest.raises(OSError) as e:
        ctx.open_ctrl(regular)
    assert e.value.errno == errno.ENOTTY and e.value.filename == str(regular)
    with pytest.raises(OSError) as e:
        ctx.open_endpoint(str(regular))
    assert e.value.errno == errno.ENOTTY and e.value.filename == str(regular)
    # A character device that is not an rpmsg device.
    for open_ in (ctx.open_ctrl, ctx.open_endpoint):
        with pytest.raises(OSError) as e:
            open_("/dev/null")
        assert e.value.errno == errno.ENODEV and e.value.filename == "/dev/null"
    with pytest.raises(TypeError):
        ctx.open_ctrl(None)
