# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""asyncio support: await messages and send completions.

    ept = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("rpmsg-raw", dst=30))
    await ept.send(b"ping")
    async for msg in ept:
        ...

The context's descriptor is watched with loop.add_reader(); when it is
readable the loop calls Context.dispatch(0), which runs the callbacks that
resolve the futures below. No threads, no polling.

Errors, and where they surface:

- A send_nowait() failure belongs to its endpoint: it fails the oldest recv()
  waiting on that endpoint, else the next recv() or send() of that endpoint
  raises it (instead of receiving or sending), one failure per call, in order;
  close() raises those still unraised (several in an ExceptionGroup).
  Sends still queued when the endpoint or its context closes are cancelled
  (ECANCELED), which is not reported: the close asked for it.
- An exception raised by another callback of the context (a plain
  on_message of another endpoint, the simulated remote's handler) belongs to
  the context: it fails a recv() waiting on one of the context's aio
  endpoints, else the next recv() or send() of any of them raises it. Those
  left when the last aio endpoint closes go back to the context: its next
  dispatch() or close() raises them.
- Context.close() stops watching the descriptor before it closes it: pending
  recv() calls raise ValueError at once, as after Endpoint.close(); pending
  send() calls raise OSError ECANCELED (their message was cancelled); later
  calls raise the endpoint's unraised failures, then ValueError.
"""

from __future__ import annotations

import asyncio
import collections
import errno
from typing import Any, Deque, Optional

from . import _objects

__all__ = ["Endpoint", "open_endpoint"]


def _closed_error() -> ValueError:
    return ValueError("operation on a closed Endpoint")


class _Driver:
    """One reader per (context, loop): dispatches when the descriptor is
    readable, and holds the context's callback exceptions until an aio
    endpoint of the context raises them."""

    def __init__(self, ctx: _objects.Context, loop: asyncio.AbstractEventLoop) -> None:
        self.ctx = ctx
        self.loop = loop
        self.fd = ctx.fd
        self.users: set["Endpoint"] = set()
        self.errors: Deque[BaseException] = collections.deque()
        self.active = True  # until _stop(): watching the descriptor
        loop.add_reader(self.fd, self._ready)
        ctx._closing_hooks.append(self._context_closing)

    def _ready(self) -> None:
        try:
            self.ctx.dispatch(0)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # a callback raised: hand it to a waiter
            self._fail(exc)
        # Further exceptions the dispatch collected (several callbacks raised),
        # unless a callback closed the last aio endpoint: they stay with the context.
        while self.active and self.ctx._errors:
            self._fail(self.ctx._errors.pop(0))

    def _fail(self, exc: BaseException) -> None:
        if not self.active:
            self.ctx._errors.append(exc)
            return
        for user in self.users:
            if user._fail_waiter(exc):
                return
        self.errors.append(exc)

    def check(self) -> None:
        """Raise the oldest exception collected while nobody was waiting."""
        if self.errors:
            raise self.errors.popleft()

    def _stop(self) -> None:
        """Stop watching the descriptor (still open); unraised exceptions go
        back to the context, whose dispatch() or close() raises them."""
        self.active = False
        key = (id(self.ctx), id(self.loop))
        if _drivers.get(key) is self:
            del _drivers[key]
        if self._context_closing in self.ctx._closing_hooks:
            self.ctx._closing_hooks.remove(self._context_closing)
        if not self.loop.is_closed():
            self.loop.remove_reader(self.fd)
        self.ctx._errors[0:0] = self.errors
        self.errors.clear()

    def _context_closing(self) -> None:
        """Run by Context.close() before it closes anything."""
        self._stop()
        users, self.users = list(self.users), set()
        for user in users:
            user._context_closing()

    def release(self, user: "Endpoint") -> None:
        self.users.discard(user)
        if not self.users:
            self._stop()


_drivers: dict[tuple[int, int], _Driver] = {}


def _driver(ctx: _objects.Context, loop: asyncio.AbstractEventLoop) -> _Driver:
    key = (id(ctx), id(loop))
    drv = _drivers.get(key)
    if drv is None or drv.ctx is not ctx or drv.loop is not loop:
        drv = _drivers[key] = _Driver(ctx, loop)
    return drv


def _complete(fut: asyncio.Future, error: Optional[OSError]) -> None:
    if fut.done():  # the awaiting task was cancelled or timed out
        return
    if error is None:
        fut.set_result(None)
    else:
        fut.set_exception(error)


class Endpoint:
    """An rpmsg.Endpoint driven by the running asyncio loop.

    Takes over the endpoint's on_message and on_down callbacks. Received
    messages wait in a queue of at most ``max_queue`` messages; beyond that
    delivery pauses (the library and the kernel keep the rest) until recv()
    catches up. Closing this object closes the endpoint. Which call raises
    which error: see the module's documentation.
    """

    def __init__(self, ept: _objects.Endpoint, *, max_queue: int = 1024,
                 loop: Optional[asyncio.AbstractEventLoop] = None) -> None:
        if not isinstance(ept, _objects.Endpoint):
            raise TypeError(f"expected an rpmsg.Endpoint, not {type(ept).__name__}")
        if max_queue < 1:
            raise ValueError("max_queue must be at least 1")
        self._loop = loop or asyncio.get_running_loop()
        self._ept = ept
        self._queue: Deque[bytes] = collections.deque()
        self._waiters: Deque[asyncio.Future] = collections.deque()
        # This endpoint's send_nowait() failures that no call raised yet.
        self._failures: Deque[OSError] = collections.deque()
        self._max_queue = max_queue
        self._paused = False
        self._down: Optional[OSError] = None
        self._released = False  # closed, or its context closed: the driver forgot it
        self._driver = _driver(ept.context, self._loop)
        self._driver.users.add(self)
        ept.on_message = self._on_message
        ept.on_down = self._on_down

    # -- callbacks from Context.dispatch() --

    def _on_message(self, data: bytes, src: int) -> None:
        while self._waiters:
            w = self._waiters.popleft()
            if not w.done():
                w.set_result(data)
                return
        self._queue.append(data)
        if len(self._queue) >= self._max_queue and not self._paused:
            self._paused = True
            self._ept.on_message = None  # messages wait in the library and the kernel

    def _on_down(self, error: OSError) -> None:
        self._down = error
        self._fail_waiters(error)

    def _fail_waiter(self, exc: BaseException) -> bool:
        while self._waiters:
            w = self._waiters.popleft()
            if not w.done():
                w.set_exception(exc)
                return True
        return False

    def _fail_waiters(self, exc: BaseException) -> None:
        while self._fail_waiter(exc):
            pass

    def _sent(self, error: Optional[OSError]) -> None:
        if error is None or error.errno == errno.ECANCELED:  # cancelled by a close
            return
        if not self._fail_waiter(error):
            self._failures.append(error)

    def _context_closing(self) -> None:
        """The context closes this endpoint next: nothing will wake the waiters."""
        self._released = True
        self._fail_waiters(_closed_error())

    # -- public API --

    @property
    def endpoint(self) -> _objects.Endpoint:
        """The underlying rpmsg.Endpoint."""
        return self._ept

    def _check(self) -> None:
        if self._failures:
            raise self._failures.popleft()
        if self._released or self._ept.closed:
            raise _closed_error()
        self._driver.check()

    async def recv(self) -> bytes:
        """Wait for the next message. Raises the endpoint's down error
        (BrokenPipeError, ...) once it went down and the queue is empty, and
        ValueError once it or its context is closed."""
        self._check()
        if self._queue:
            data = self._queue.popleft()
            if self._paused and len(self._queue) <= self._max_queue // 2:
                self._paused = False
                self._ept.on_message = self._on_message
            return data
        if self._down is not None:
            raise self._down
        w = self._loop.create_future()
        self._waiters.append(w)
        return await w

    def __aiter__(self) -> "Endpoint":
        return self

    async def __anext__(self) -> bytes:
        """Next message; the iteration ends when the endpoint goes down or is closed."""
        if self._ept.closed and not self._failures:
            raise StopAsyncIteration
        try:
            return await self.recv()
        except OSError as exc:
            if exc is self._down:
                raise StopAsyncIteration from None
            raise

    async def send(self, data: Any, timeout: Optional[float] = None) -> None:
        """Send one message and wait until the kernel took it.

        ``timeout``: seconds to wait (None: the endpoint's send_timeout, after
        which the library fails the send with TimeoutError). When ``timeout``
        expires first, TimeoutError is raised; the message stays queued and may
        still leave within the endpoint's send_timeout. A close of the endpoint
        or of its context cancels it: OSError ECANCELED.
        """
        self._check()
        fut = self._loop.create_future()
        self._ept.send_async(data, lambda error: _complete(fut, error))
        if timeout is None:
            await fut
        else:
            await asyncio.wait_for(fut, _objects._timeout_ms(timeout) / 1000)

    def send_nowait(self, data: Any) -> None:
        """Queue one message without waiting for its completion. A failure
        is raised by this endpoint only: by a recv() waiting then, else by its
        next recv() or send(), else by close()."""
        self._check()
        self._ept.send_async(data, self._sent)

    def close(self) -> None:
        """Close the endpoint; pending recv() calls raise ValueError. Raises
        the send_nowait() failures no call raised yet: one as itself, several
        in an ExceptionGroup. Idempotent."""
        if not self._released:
            self._released = True
            try:
                self._ept.close()
            finally:
                self._driver.release(self)
                self._fail_waiters(_closed_error())
        failures = list(self._failures)
        self._failures.clear()
        _objects._raise_all(failures, "send_nowait() failures")

    def __del__(self) -> None:
        # Collected without close(): at least say what nobody raised.
        failures = getattr(self, "_failures", None)
        if failures:
            self._loop.call_exception_handler({
                "message": f"rpmsg.aio.Endpoint collected with {len(failures)} "
                           "send_nowait() failures never raised",
                "exception": failures[0],
            })

    async def __aenter__(self) -> "Endpoint":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<rpmsg.aio.Endpoint {self._ept!r} queued={len(self._queue)}>"


def open_endpoint(ctrl: _objects.ControlDevice, name: str, src: int = _objects.ADDR_ANY,
                  dst: int = _objects.ADDR_ANY, **kwargs: Any) -> Endpoint:
    """ctrl.create_endpoint(name, src, dst) wrapped in an aio.Endpoint."""
    ept = ctrl.create_endpoint(name, src, dst)
    try:
        return Endpoint(ept, **kwargs)
    except BaseException:
        ept.close()
        raise

