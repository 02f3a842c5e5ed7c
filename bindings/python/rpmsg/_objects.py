# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""Objects over the flat C functions of rpmsg._lowlevel.

Lifetimes: a child (endpoint, control device, simulated remote) keeps its
Context alive; the Context keeps a handle to every open child so that closing
the Context closes them first (endpoints, then control devices, then
simulated remotes), which is what rpmsg_ctx_free would do behind our back.
A handle's ``ptr`` becomes None once the C object is gone, so nothing is
closed twice and a closed object raises ValueError, like a closed file.
"""

from __future__ import annotations

import enum
import errno
import math
import os
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional, TypeVar

from . import _lowlevel as _ll

ADDR_ANY = _ll.RPMSG_ADDR_ANY
_INT_MAX = 2**31 - 1


# ---- argument checks: argument errors are TypeError/ValueError, before any C call ----

def _addr(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 0 <= value <= ADDR_ANY:
        raise ValueError(f"{what} must be between 0 and 0x{ADDR_ANY:X}, not {value}")
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"name must be a str, not {type(value).__name__}")
    size = len(value.encode())
    if not 1 <= size < _ll.RPMSG_NAME_SIZE:
        raise ValueError(f"name must be 1 to {_ll.RPMSG_NAME_SIZE - 1} bytes, not {size}")
    if "\0" in value:
        raise ValueError("name must not contain NUL")
    return value


def _path(value: Any, what: str = "path") -> str:
    if isinstance(value, bytes):
        value = value.decode()
    if hasattr(value, "__fspath__"):
        value = value.__fspath__()
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str or path, not {type(value).__name__}")
    return value


def _timeout_ms(timeout: Optional[float]) -> int:
    """Seconds (None: no limit) to the C library's milliseconds (-1: no limit)."""
    if timeout is None:
        return -1
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number or None, not {type(timeout).__name__}")
    if math.isnan(timeout) or timeout < 0:
        raise ValueError(f"timeout must be None or >= 0, not {timeout}")
    ms = math.ceil(timeout * 1000)
    if ms > _INT_MAX:
        raise ValueError(f"timeout too large: {timeout} s")
    return ms


def _positive(value: Any, what: str, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 1 <= value <= limit:
        raise ValueError(f"{what} must be between 1 and {limit}, not {value}")
    return value


# Set on a simulator's thread while a Python remote handler runs there.
_in_sim_handler = threading.local()


def _refuse_in_sim_handler(what: str) -> None:
    """The C library refuses to free a simulator (or its context) on the
    simulator's own thread: raise its EDEADLK before anything is forgotten."""
    if getattr(_in_sim_handler, "active", False):
        raise OSError(errno.EDEADLK, f"{what} from a simulated remote's handler: "
                      + os.strerror(errno.EDEADLK))


def _callback(cb: Any, what: str) -> Any:
    if cb is not None and not callable(cb):
        raise TypeError(f"{what} must be callable or None, not {type(cb).__name__}")
    return cb


if sys.version_info >= (3, 11):
    _ErrorGroup = BaseExceptionGroup  # noqa: F821 (a builtin since 3.11)
else:
    class _ErrorGroup(Exception):
        """BaseExceptionGroup's shape (message, exceptions), before Python 3.11."""

        def __init__(self, message: str, exceptions: Any) -> None:
            super().__init__(message, tuple(exceptions))
            self.message = message
            self.exceptions = tuple(exceptions)


def _raise_all(errors: list[BaseException], what: str) -> None:
    """Raise every exception of ``errors``: one as itself, several together in
    an ExceptionGroup (Python 3.11+; before, an Exception with the same
    ``message`` and ``exceptions``) whose message counts them."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise _ErrorGroup(f"{len(errors)} {what}", errors)


class _Handle:
    """A C object of a context; ``ptr`` is None once it is gone."""

    __slots__ = ("ptr", "kind", "extra")

    def __init__(self, ptr: Any, kind: str, extra: Any = None) -> None:
        self.ptr = ptr
        self.kind = kind
        self.extra = extra


class Engine(enum.Enum):
    """I/O engine of a Context."""

    URING = "io_uring"
    EPOLL = "epoll"


class DeviceType(enum.IntEnum):
    """Kind of a discovered device."""

    CTRL = _ll.RPMSG_DEV_CTRL
    ENDPOINT = _ll.RPMSG_DEV_EPT
    CHANNEL = _ll.RPMSG_DEV_CHANNEL


@dataclass(frozen=True)
class DeviceInfo:
    """A discovered device: a snapshot of what sysfs said.

    ``path`` is the device node (None for a channel without an endpoint
    device); ``src`` is ADDR_ANY when the kernel does not report it.
    """

    type: DeviceType
    devname: str
    name: str
    src: int
    dst: int
    path: Optional[str]
    sysfs_path: str
    ctrl: Optional[str]
    rproc: Optional[str]
    rproc_name: Optional[str]


class Context:
    """An I/O engine and the callbacks of its endpoints.

    Every callback of the endpoints runs inside dispatch() (or close()), on
    the calling thread. Use it as a context manager, or call close().

    ``engine``: None (io_uring, falling back to epoll; the RPMSG_ENGINE
    environment variable may decide), "io_uring" or "epoll" to force one.
    """

    def __init__(self, engine: Optional[str | Engine] = None) -> None:
        self._ptr = None
        self._errors: list[BaseException] = []
        self._handles: dict[int, _Handle] = {}
        # C calls in progress that may run this context's callbacks (dispatch,
        # an endpoint's close): while one runs, rpmsg_ctx_free would refuse.
        self._running = 0
        # Run by close() before anything closes (rpmsg.aio unregisters the descriptor).
        self._closing_hooks: list[Callable[[], None]] = []
        if isinstance(engine, Engine):
            engine = engine.value
        if engine is None:
            flags = 0
        elif engine == "io_uring":
            flags = _ll.RPMSG_CTX_FORCE_URING
        elif engine == "epoll":
            flags = _ll.RPMSG_CTX_FORCE_EPOLL
        else:
            raise ValueError(f"engine must be None, 'io_uring' or 'epoll', not {engine!r}")
        self._ptr = _ll.rpmsg_ctx_new(flags)

    # -- lifetime --

    def _check(self) -> Any:
        if self._ptr is None:
            raise ValueError("operation on a closed Context")
        return self._ptr

    def _adopt(self, ptr: Any, kind: str, extra: Any = None) -> _Handle:
        handle = _Handle(ptr, kind, extra)
        self._handles[id(handle)] = handle
        return handle

    def _release(self, handle: _Handle) -> None:
        """Free one child's C object (once) and forget it."""
        ptr = handle.ptr
        if ptr is None:
            return
        self._handles.pop(id(handle), None)
        if handle.kind == "ept":
            # Drop our callback references first; a running callback holds its own.
            _ll.rpmsg_py_ept_set_rx_cb(ptr, None, self._errors)
            _ll.rpmsg_py_ept_set_event_cb(ptr, None, self._errors)
            handle.ptr = None
            self._running += 1
            try:
                _ll.rpmsg_ept_close(ptr)  # cancelled sends complete in here
            finally:
                self._running -= 1
        elif handle.kind == "ctrl":
            handle.ptr = None
            _ll.rpmsg_ctrl_close(ptr)
        elif handle.kind == "sim":
            ctrl_handle = handle.extra
            ctrl_handle.ptr = None  # the sim's control device is owned by the sim
            handle.ptr = None
            _ll.rpmsg_sim_free(ptr)
        else:
            handle.ptr = None

    def _raise_pending(self, since: int = 0) -> None:
        if len(self._errors) > since:
            raise self._errors.pop(since)

    @property
    def closed(self) -> bool:
        """True once close() ran."""
        return self._ptr is None

    def close(self) -> None:
        """Close every endpoint, control device and simulated remote of the
        context, then free it. Completions of sends cancelled by the close run
        here. Every callback exception not raised yet (by these completions,
        or left by an earlier dispatch()) is raised from here: one as itself,
        several in an ExceptionGroup. Idempotent.

        From a callback of this context (inside dispatch(), or a completion
        run by Endpoint.close()) the C library cannot free it: close() then
        raises OSError EBUSY and changes nothing, the context and its
        children stay usable."""
        if self._ptr is None:
            return
        _refuse_in_sim_handler("Context.close()")
        if self._running:
            raise OSError(errno.EBUSY, "Context.close() from a callback of this context: "
                          + os.strerror(errno.EBUSY))
        hooks, self._closing_hooks = self._closing_hooks, []
        try:
            for hook in hooks:
                hook()
        finally:
            order = {"ept": 0, "ctrl": 1, "sim": 2}
            for handle in sorted(reversed(list(self._handles.values())),
                                 key=lambda h: order.get(h.kind, 3)):
                self._release(handle)
            ptr, self._ptr = self._ptr, None
            _ll.rpmsg_ctx_free(ptr)
        errors, self._errors[:] = list(self._errors), []
        _raise_all(errors, "exceptions raised by callbacks")

    def __enter__(self) -> "Context":
        self._check()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_ptr", None) is not None:
            self.close()

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<rpmsg.Context closed>"
        return f"<rpmsg.Context engine={self.engine.value} fd={self.fd}>"

    # -- event loop --

    @property
    def fd(self) -> int:
        """Descriptor that becomes readable when dispatch() has work: poll it
        for reading (or give it to an event loop) and call dispatch(0)."""
        return _ll.rpmsg_ctx_get_fd(self._check())

    @property
    def engine(self) -> Engine:
        """The I/O engine in use."""
        return Engine(_ll.rpmsg_engine_name(_ll.rpmsg_ctx_get_engine(self._check())))

    def dispatch(self, timeout: Optional[float] = None) -> int:
        """Run the I/O engine and the callbacks that are due.

        Waits up to ``timeout`` seconds for work when none is pending (None:
        without limit, 0: not at all) and returns the number of callbacks run
        (0 on timeout). The GIL is released while waiting. An exception raised
        by a callback is re-raised here once the dispatch is over; when
        several callbacks raised, the following calls raise the others first.
        Interrupted waits are resumed after running the signal handlers.
        """
        ptr = self._check()
        self._raise_pending()
        ms = _timeout_ms(timeout)
        deadline = None if ms <= 0 else _now() + ms / 1000
        while True:
            self._running += 1
            try:
                n = _ll.rpmsg_ctx_dispatch(ptr, ms)
                break
            except InterruptedError:
                pass
            finally:
                self._running -= 1
            # Signal handlers run here and may raise (KeyboardInterrupt).
            if deadline is not None:
                ms = max(0, math.ceil((deadline - _now()) * 1000))
        self._raise_pending()
        return n

    # -- discovery --

    @property
    def sysfs_root(self) -> str:
        """Directory that stands for /sys in discovery."""
        return _ll.rpmsg_ctx_get_sysfs_root(self._check())

    @property
    def dev_root(self) -> str:
        """Directory that stands for /dev in discovery."""
        return _ll.rpmsg_ctx_get_dev_root(self._check())

    def set_roots(self, sysfs_root: Optional[str] = None,
                  dev_root: Optional[str] = None) -> None:
        """Use other directories for /sys and /dev (tests with fabricated
        trees); None restores the default. Affects objects opened later.
        An OSError carries the two roots in ``filename`` and ``filename2``."""
        _ll.rpmsg_ctx_set_roots(
            self._check(),
            None if sysfs_root is None else _path(sysfs_root, "sysfs_root"),
            None if dev_root is None else _path(dev_root, "dev_root"))

    def _list(self, kind: int) -> list[DeviceInfo]:
        lst = _ll.rpmsg_ctx_list(self._check(), kind)
        try:
            out = []
            for i in range(_ll.rpmsg_devlist_count(lst)):
                info = _ll.rpmsg_devlist_get(lst, i)
                out.append(DeviceInfo(
                    type=DeviceType(_ll.rpmsg_devinfo_get_type(info)),
                    devname=_ll.rpmsg_devinfo_get_devname(info),
                    name=_ll.rpmsg_devinfo_get_name(info),
                    src=_ll.rpmsg_devinfo_get_src(info),
                    dst=_ll.rpmsg_devinfo_get_dst(info),
                    path=_ll.rpmsg_devinfo_get_dev_path(info),
                    sysfs_path=_ll.rpmsg_devinfo_get_sysfs_path(info),
                    ctrl=_ll.rpmsg_devinfo_get_ctrl(info),
                    rproc=_ll.rpmsg_devinfo_get_rproc(info),
                    rproc_name=_ll.rpmsg_devinfo_get_rproc_name(info)))
            return out
        finally:
            _ll.rpmsg_devlist_free(lst)

    def list_ctrl_devices(self) -> list[DeviceInfo]:
        """Control devices (/dev/rpmsg_ctrlN), from sysfs."""
        return self._list(_ll.RPMSG_DEV_CTRL)

    def list_endpoints(self) -> list[DeviceInfo]:
        """Endpoint devices (/dev/rpmsgN), from sysfs."""
        return self._list(_ll.RPMSG_DEV_EPT)

    def list_channels(self) -> list[DeviceInfo]:
        """Channels on the rpmsg bus (e.g. announced by the remote), from sysfs."""
        return self._list(_ll.RPMSG_DEV_CHANNEL)

    # -- opening things --

    def open_ctrl(self, path: str) -> "ControlDevice":
        """Open a control device by path, e.g. "/dev/rpmsg_ctrl0". An OSError
        carries the path in ``filename``, as open()'s does."""
        path = _path(path)
        return ControlDevice(self, _ll.rpmsg_ctrl_open(self._check(), path))

    def open_rproc(self, rproc: Optional[str] = None) -> "ControlDevice":
        """Open the control device of a remote processor: "remoteprocK", "K",
        its name attribute, or None for the first control device found."""
        if rproc is not None and not isinstance(rproc, str):
            raise TypeError(f"rproc must be a str or None, not {type(rproc).__name__}")
        return ControlDevice(self, _ll.rpmsg_ctrl_open_rproc(self._check(), rproc))

    def open_endpoint(self, path: str) -> "Endpoint":
        """Open an existing endpoint device, e.g. "/dev/rpmsg2". An OSError
        carries the path in ``filename``, as open()'s does."""
        path = _path(path)
        return Endpoint(self, _ll.rpmsg_ept_open(self._check(), path))

    def adopt_fd(self, fd: int) -> "Endpoint":
        """Make an endpoint of an open descriptor (an endpoint device, or an
        AF_UNIX SOCK_SEQPACKET socket in tests). The endpoint owns it from now
        on and closes it; on error the caller keeps it."""
        if hasattr(fd, "fileno"):
            fd = fd.fileno()
        if isinstance(fd, bool) or not isinstance(fd, int):
            raise TypeError(f"fd must be an int, not {type(fd).__name__}")
        return Endpoint(self, _ll.rpmsg_ept_open_fd(self._check(), fd))

    def simulate(self, pollout: bool = False) -> "SimulatedRemote":
        """Start a simulated remote processor whose endpoints this context runs.

        ``pollout``: endpoints report POLLOUT (like virtio 7.0+ or qcom_smd).
        """
        flags = _ll.RPMSG_SIM_POLLOUT if pollout else 0
        return SimulatedRemote(self, _ll.rpmsg_sim_new(self._check(), flags))


def _now() -> float:
    return time.monotonic()


_Self = TypeVar("_Self", bound="_ContextChild")


class _ContextChild:
    """What the objects a Context owns share (endpoints, control devices,
    simulated remotes): the C object behind a handle, and the checks and
    context-manager protocol of a closable object."""

    _type_name = ""  # the public class name, for errors
    _ctx: Context
    _h: _Handle

    def _check(self) -> Any:
        ptr = self._h.ptr
        if ptr is None:
            raise ValueError(f"operation on a closed {self._type_name}")
        return ptr

    @property
    def context(self) -> Context:
        """The Context this object belongs to: it runs the endpoints' callbacks."""
        return self._ctx

    @property
    def closed(self) -> bool:
        return self._h.ptr is None

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _Self) -> _Self:
        self._check()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # A borrowed handle (a simulator's control device) is its owner's to release.
        h = getattr(self, "_h", None)
        if h is not None and h.ptr is not None and h.kind != "borrowed":
            self._ctx._release(h)


class ControlDevice(_ContextChild):
    """A control device: creates endpoints and channels on one transport.

    Endpoints keep the underlying device alive: close() only drops this
    object's reference. Obtain one with Context.open_ctrl(),
    Context.open_rproc() or SimulatedRemote.ctrl.
    """

    _type_name = "ControlDevice"

    def __init__(self, ctx: Context, ptr: Any, *, owner: Any = None) -> None:
        self._ctx = ctx
        # A simulator's control device belongs to it and keeps it alive.
        self._owner = owner
        self._h = _Handle(ptr, "borrowed") if owner else ctx._adopt(ptr, "ctrl")

    @property
    def path(self) -> str:
        """Path of the device ("sim:" for a simulated remote)."""
        return _ll.rpmsg_ctrl_get_path(self._check())

    def create_endpoint(self, name: str, src: int = ADDR_ANY,
                        dst: int = ADDR_ANY) -> "Endpoint":
        """Create an endpoint device and open it.

        ``name``: service name, 1 to 31 bytes. ``src``: local address, or
        ADDR_ANY to let the kernel pick one. ``dst``: remote address every
        send goes to; ADDR_ANY makes a receive-only endpoint. Closing the
        endpoint destroys the device.
        """
        name = _name(name)
        _addr(src, "src")
        _addr(dst, "dst")
        return Endpoint(self._ctx, _ll.rpmsg_ctrl_create_ept(self._check(), name, src, dst),
                        self)

    def create_channel(self, name: str, src: int, dst: int) -> None:
        """Create a channel (Linux 5.18+); it outlives this object."""
        _ll.rpmsg_ctrl_create_channel(self._check(), _name(name), _addr(src, "src"),
                                      _addr(dst, "dst"))

    def release_channel(self, name: str, src: int = ADDR_ANY, dst: int = ADDR_ANY) -> None:
        """Remove a channel; ADDR_ANY matches any address."""
        _ll.rpmsg_ctrl_release_channel(self._check(), _name(name), _addr(src, "src"),
                                       _addr(dst, "dst"))

    def open_channel(self, name: str, dst: int = ADDR_ANY) -> "Endpoint":
        """Open the endpoint device of a channel (ADDR_ANY: the first match).
        Closing the endpoint leaves the channel."""
        name = _name(name)
        return Endpoint(self._ctx, _ll.rpmsg_ctrl_open_channel(self._check(), name,
                                                               _addr(dst, "dst")), self)

    def close(self) -> None:
        """Drop this reference; endpoints created here stay usable. Idempotent.
        A simulator's control device belongs to the simulator: a no-op."""
        if self._owner is None:
            self._ctx._release(self._h)

    def __repr__(self) -> str:
        if self.closed:
            return "<rpmsg.ControlDevice closed>"
        return f"<rpmsg.ControlDevice {self.path!r}>"


class Endpoint(_ContextChild):
    """An open endpoint device: one message per send and per receive, to a
    fixed remote address.

    Receive by setting ``on_message``; learn that the remote went away with
    ``on_down``. Both run inside Context.dispatch(). Use it as a context
    manager or call close(). An endpoint keeps its Context alive; while a
    callback is installed the callback is kept alive too (until close()).
    """

    _type_name = "Endpoint"

    def __init__(self, ctx: Context, ptr: Any, ctrl: Optional["ControlDevice"] = None) -> None:
        self._ctx = ctx
        self._ctrl = ctrl  # kept alive like the C library keeps it: a simulator's stays up
        self._h = ctx._adopt(ptr, "ept")
        self._on_message: Optional[Callable[[bytes, int], Any]] = None
        self._on_down: Optional[Callable[[OSError], Any]] = None

    # -- properties --

    @property
    def name(self) -> str:
        """Service name ("" when unknown, e.g. for an adopted socket)."""
        return _ll.rpmsg_ept_get_name(self._check())

    @property
    def src(self) -> int:
        """Local address, or ADDR_ANY when the kernel did not report it."""
        return _ll.rpmsg_ept_get_src(self._check())

    @property
    def dst(self) -> int:
        """Remote address (ADDR_ANY when unknown)."""
        return _ll.rpmsg_ept_get_dst(self._check())

    @property
    def path(self) -> Optional[str]:
        """Path of the device node, or None for an adopted descriptor."""
        return _ll.rpmsg_ept_get_path(self._check())

    @property
    def fd(self) -> int:
        """The endpoint's descriptor; it stays owned by the endpoint."""
        return _ll.rpmsg_ept_get_fd(self._check())

    @property
    def is_down(self) -> bool:
        """True once the remote side went away; sends then fail with BrokenPipeError."""
        return _ll.rpmsg_ept_is_down(self._check())

    @property
    def mtu(self) -> int:
        """Maximum payload per message, 1 to MTU_MAX (default MTU_DEFAULT)."""
        return _ll.rpmsg_ept_get_mtu(self._check())

    @mtu.setter
    def mtu(self, value: int) -> None:
        ptr = self._check()
        _ll.rpmsg_ept_set_mtu(ptr, _positive(value, "mtu", _ll.RPMSG_MTU_MAX))

    @property
    def send_timeout(self) -> Optional[float]:
        """Timeout of send(), sendto() and send_async() in seconds (None: no limit)."""
        ms = _ll.rpmsg_ept_get_send_timeout(self._check())
        return None if ms < 0 else ms / 1000

    @send_timeout.setter
    def send_timeout(self, value: Optional[float]) -> None:
        ptr = self._check()
        _ll.rpmsg_ept_set_send_timeout(ptr, _timeout_ms(value))

    # -- callbacks --

    @property
    def on_message(self) -> Optional[Callable[[bytes, int], Any]]:
        """Receive callback ``cb(data: bytes, src: int)``, or None.

        Messages are delivered whole, in order, exactly once; while no
        callback is set they are kept and delivered once one is. May be
        replaced or cleared from any callback, and the endpoint may be closed
        from inside it.
        """
        return self._on_message

    @on_message.setter
    def on_message(self, cb: Optional[Callable[[bytes, int], Any]]) -> None:
        ptr = self._check()
        _ll.rpmsg_py_ept_set_rx_cb(ptr, _callback(cb, "on_message"), self._ctx._errors)
        self._on_message = cb

    @property
    def on_down(self) -> Optional[Callable[[OSError], Any]]:
        """Callback ``cb(error: OSError)`` run once when the endpoint goes down
        (BrokenPipeError, ConnectionResetError, or OSError ENETRESET), or None."""
        return self._on_down

    @on_down.setter
    def on_down(self, cb: Optional[Callable[[OSError], Any]]) -> None:
        ptr = self._check()
        _ll.rpmsg_py_ept_set_event_cb(ptr, _callback(cb, "on_down"), self._ctx._errors)
        self._on_down = cb

    # -- sending --

    def send(self, data: Any, timeout: Optional[float] = None) -> None:
        """Send one message, waiting for a TX buffer.

        ``data``: any bytes-like object, at most ``mtu`` bytes. ``timeout``:
        seconds to wait for a buffer; None uses the endpoint's send_timeout;
        0 does not wait. The GIL is released while waiting. Raises
        TimeoutError, BrokenPipeError (endpoint down), OSError EMSGSIZE
        (longer than the MTU), ...
        """
        ptr = self._check()
        if timeout is None:
            _ll.rpmsg_ept_send(ptr, data)
        else:
            _ll.rpmsg_ept_timedsend(ptr, data, _timeout_ms(timeout))

    def trysend(self, data: Any) -> None:
        """Send one message if a TX buffer is free now, else raise BlockingIOError."""
        _ll.rpmsg_ept_trysend(self._check(), data)

    def sendto(self, data: Any, dst: int) -> None:
        """Send one message to another remote address, waiting up to send_timeout.

        The kernel fixes one destination per endpoint device: for another
        ``dst`` the library opens a sibling endpoint device (the remote sees
        another source address) whose messages come to on_message with
        src=dst. Endpoints without a control device raise OSError EOPNOTSUPP.
        """
        ptr = self._check()
        _ll.rpmsg_ept_sendto(ptr, data, _addr(dst, "dst"))

    def trysendto(self, data: Any, dst: int) -> None:
        """sendto() without waiting: BlockingIOError when no TX buffer is free."""
        ptr = self._check()
        _ll.rpmsg_ept_trysendto(ptr, data, _addr(dst, "dst"))

    def send_async(self, data: Any,
                   callback: Optional[Callable[[Optional[OSError]], Any]] = None) -> None:
        """Queue one message; Context.dispatch() hands it to the kernel.

        The payload is copied now. ``callback(error)`` runs exactly once from
        dispatch() (or from close(), with an OSError ECANCELED): error is None
        when the kernel took the message, else TimeoutError (no TX buffer
        within send_timeout), BrokenPipeError (endpoint down), ... Messages
        queued on one endpoint leave in order.
        """
        ptr = self._check()
        _ll.rpmsg_py_ept_send_async(ptr, data, _callback(callback, "callback"),
                                    self._ctx._errors)

    # -- lifetime --

    def set_destroy_on_close(self, destroy: bool) -> None:
        """Choose whether close() destroys the kernel endpoint device.

        True is the default for endpoints made by ControlDevice.create_endpoint();
        False, for the others (Context.open_endpoint(), ControlDevice.open_channel()).
        With False the device outlives this object, keeps its addresses and
        keeps receiving (the kernel queues messages for it without bound)
        until this or another process opens it by path. Raises OSError
        EOPNOTSUPP for a simulated endpoint or an adopted socket: those exist
        only as long as their handle.
        """
        ptr = self._check()
        if not isinstance(destroy, bool):
            raise TypeError(f"destroy must be a bool, not {type(destroy).__name__}")
        _ll.rpmsg_ept_set_destroy_on_close(ptr, destroy)

    def destroy(self) -> None:
        """Destroy the kernel endpoint device now: one this object created, or
        any endpoint device opened by path (e.g. one another process left behind).

        The endpoint goes down: sends raise BrokenPipeError, and the next
        Context.dispatch() completes queued send_async() calls with
        BrokenPipeError and runs on_down once. The object stays open until
        close(), which will not destroy again. A simulated remote forgets the
        endpoint the same way. Raises BrokenPipeError when the endpoint was
        already down, OSError EOPNOTSUPP for an adopted socket, or the kernel's
        error (e.g. OSError ENOTTY).
        """
        _ll.rpmsg_ept_destroy(self._check())

    def close(self) -> None:
        """Close the endpoint: queued sends complete with ECANCELED (their
        callbacks run here, and an exception they raise is raised from here),
        the kernel device is destroyed if set_destroy_on_close() says so, no
        callback runs afterwards. May be called from any callback. Idempotent."""
        h = self._h
        if h.ptr is None:
            return
        pending = len(self._ctx._errors)
        self._ctx._release(h)
        self._on_message = self._on_down = None
        self._ctx._raise_pending(pending)

    def __repr__(self) -> str:
        if self.closed:
            return "<rpmsg.Endpoint closed>"
        return (f"<rpmsg.Endpoint {self.name!r} src=0x{self.src:x} dst=0x{self.dst:x}"
                f"{' down' if self.is_down else ''}>")


class SimulatedRemote(_ContextChild):
    """A remote processor simulated in the process, for tests and demos.

    Its control device (``ctrl``) creates endpoints that behave like the
    kernel's: finite TX credits, MTU, channels, crashes. By default the
    remote echoes every message back; set ``handler`` to do something else.
    """

    _type_name = "SimulatedRemote"

    def __init__(self, ctx: Context, ptr: Any) -> None:
        self._ctx = ctx
        self._handler: Optional[Callable[[int, int, bytes], Any]] = None
        self._handler_ref: Any = None  # the (callable, errors) pair the C side borrows
        self._h = ctx._adopt(ptr, "sim", _Handle(_ll.rpmsg_sim_get_ctrl(ptr), "borrowed"))

    @property
    def ctrl(self) -> ControlDevice:
        """The simulator's control device (owned by the simulator)."""
        self._check()
        ctrl = ControlDevice.__new__(ControlDevice)
        ctrl._ctx, ctrl._owner, ctrl._h = self._ctx, self, self._h.extra
        return ctrl

    @property
    def handler(self) -> Optional[Callable[[int, int, bytes], Any]]:
        """``handler(src, dst, data)`` run on the simulator's own thread for
        every message the remote receives (src: the Linux-side address, dst:
        the remote address it was sent to), or None for the echo. Reply with
        send(dst, src, ...). It must not use other rpmsg objects; an exception
        it raises is re-raised by the context's next dispatch()."""
        return self._handler

    @handler.setter
    def handler(self, cb: Optional[Callable[[int, int, bytes], Any]]) -> None:
        ptr = self._check()
        run = None
        if _callback(cb, "handler") is not None:
            def run(src: int, dst: int, data: bytes) -> Any:
                _in_sim_handler.active = True
                try:
                    return cb(src, dst, data)
                finally:
                    _in_sim_handler.active = False
        ref = _ll.rpmsg_py_sim_set_handler(ptr, run, self._ctx._errors)
        # The old pair is no longer in use: set_handler waited for the handler to return.
        self._handler_ref = ref
        self._handler = cb

    def send(self, src: int, dst: int, data: Any) -> None:
        """Send a message from remote address ``src`` to the Linux-side
        endpoint whose local address is ``dst``. FileNotFoundError when no
        endpoint has that address."""
        _ll.rpmsg_sim_send(self._check(), _addr(src, "src"), _addr(dst, "dst"), data)

    def set_tx_credits(self, credits: int) -> None:
        """Number of TX buffers the remote holds (default 256)."""
        _ll.rpmsg_sim_set_tx_credits(self._check(), _positive(credits, "credits", 2**32 - 1))

    def set_mtu(self, mtu: int) -> None:
        """MTU of endpoints created afterwards (default MTU_DEFAULT)."""
        _ll.rpmsg_sim_set_mtu(self._check(), _positive(mtu, "mtu", _ll.RPMSG_MTU_MAX))

    def pause(self) -> None:
        """Stop processing: messages are held (TX credits run out) until resume()."""
        _ll.rpmsg_sim_pause(self._check())

    def resume(self) -> None:
        """Process held messages and continue."""
        _ll.rpmsg_sim_resume(self._check())

    def announce(self, name: str, addr: int) -> None:
        """Announce a channel, as a remote does through the name service."""
        _ll.rpmsg_sim_announce(self._check(), _name(name), _addr(addr, "addr"))

    def withdraw(self, name: str, addr: int) -> None:
        """Withdraw an announced channel; its open endpoint goes down."""
        _ll.rpmsg_sim_withdraw(self._check(), _name(name), _addr(addr, "addr"))

    def crash(self) -> None:
        """Crash the remote: every endpoint goes down, channels disappear."""
        _ll.rpmsg_sim_crash(self._check())

    def restart(self) -> None:
        """Recover after crash(): new endpoints can be created."""
        _ll.rpmsg_sim_restart(self._check())

    @property
    def rx_count(self) -> int:
        """Number of messages the remote has received."""
        return _ll.rpmsg_sim_get_rx_count(self._check())

    @property
    def held_count(self) -> int:
        """Number of messages the paused remote has taken in but not processed:
        once it equals the TX credits, what is still sent fills the socket
        buffer (a few messages), then sends fail with BlockingIOError."""
        return _ll.rpmsg_sim_get_held_count(self._check())

    def close(self) -> None:
        """Stop the remote; its endpoints stay valid objects but go down.
        Idempotent. From a remote handler (the simulator's own thread) it
        raises OSError EDEADLK and changes nothing, as Context.close() does
        there."""
        if self.closed:
            return
        _refuse_in_sim_handler("SimulatedRemote.close()")
        self._ctx._release(self._h)
        self._handler_ref = None
        self._handler = None

    def __repr__(self) -> str:
        return "<rpmsg.SimulatedRemote closed>" if self.closed else "<rpmsg.SimulatedRemote>"
