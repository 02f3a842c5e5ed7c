# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""rpmsg.aio: recv, async iteration, awaited sends and timeouts on one loop."""

import asyncio
import builtins
import errno
import struct
import threading

import pytest

import rpmsg
import rpmsg.aio
from conftest import REMOTE, fill_tx


# Several errors come as an ExceptionGroup (before Python 3.11, an Exception
# with the same message and exceptions).
ERROR_GROUP = getattr(builtins, "ExceptionGroup", Exception)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def test_echo_10000_in_order(sim):
    async def main():
        ept = rpmsg.aio.open_endpoint(sim.ctrl, "aio", dst=REMOTE)
        n = 10000

        async def sender():
            for i in range(n):
                await ept.send(struct.pack("<I", i))

        task = asyncio.create_task(sender())
        seqs = []
        async for msg in ept:
            seqs.append(struct.unpack("<I", msg)[0])
            if len(seqs) == n:
                break
        await task
        ept.close()
        return seqs

    assert run(main()) == list(range(10000))


def test_no_thread_no_sleep_polling(sim):
    """Everything runs on the loop's thread: the callbacks come from add_reader."""
    async def main():
        ept = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("aio", dst=REMOTE))
        threads = set()
        orig = ept._on_message

        def spy(d, s):
            threads.add(threading.get_ident())
            orig(d, s)

        ept.endpoint.on_message = spy
        await ept.send(b"x")
        msg = await ept.recv()
        ept.close()
        return msg, threads

    msg, threads = run(main())
    assert msg == b"x" and threads == {threading.get_ident()}


def test_send_timeout_does_not_block_the_loop(sim):
    async def main():
        ept = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("aio", dst=REMOTE))
        sim.set_tx_credits(1)
        sim.pause()
        fill_tx(ept.endpoint)
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        t = asyncio.create_task(ticker())
        with pytest.raises(TimeoutError):
            await ept.send(b"late", timeout=0.2)
        t.cancel()
        # The library's own send timeout fails the send with TimeoutError too.
        ept.endpoint.send_timeout = 0.05
        with pytest.raises(TimeoutError) as e:
            await ept.send(b"later")
        ept.close()
        return ticks, e.value

    ticks, err = run(main())
    assert ticks >= 5 and err.errno == errno.ETIMEDOUT


def test_recv_raises_down_and_iteration_stops(sim):
    async def main():
        ept = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("aio", dst=REMOTE))
        await ept.send(b"last")
        got = [await ept.recv()]
        sim.crash()
        async for msg in ept:
            got.append(msg)
        with pytest.raises(BrokenPipeError):
            await ept.recv()
        with pytest.raises(BrokenPipeError):
            await ept.send(b"x")
        ept.close()
        return got

    assert run(main()) == [b"last"]


def test_pending_recv_fails_on_close(sim):
    async def main():
        ept = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("aio", dst=REMOTE))
        waiter = asyncio.create_task(ept.recv())
        await asyncio.sleep(0.01)
        ept.close()
        with pytest.raises(ValueError):
            await waiter
        with pytest.raises(ValueError):
            await ept.recv()

    run(main())


def test_backpressure_keeps_order(sim):
    async def main():
        ept = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("aio", dst=REMOTE), max_queue=4)
        for i in range(40):
            ept.send_nowait(b"%d" % i)
        await asyncio.sleep(0.2)
        got = [await ept.recv() for _ in range(40)]
        ept.close()
        return got

    assert run(main()) == [b"%d" % i for i in range(40)]


def test_callback_exception_reaches_the_awaiting_task(sim):
    async def main():
        ctx = sim.context
        a = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("aio", dst=REMOTE))
        other = sim.ctrl.create_endpoint("sync", dst=REMOTE)

        def bad(d, s):
            raise KeyError("from a callback")

        other.on_message = bad
        other.send(b"x")
        with pytest.raises(KeyError):
            await a.recv()
        a.close()
        other.close()

    run(main())


def test_wrong_type():
    with pytest.raises(TypeError):
        rpmsg.aio.Endpoint(object())


def test_context_close_fails_pending_calls_and_unregisters_the_descriptor(ctx, sim):
    """Pending recv() raises ValueError, pending send() ECANCELED, later calls
    ValueError; the loop stops watching the descriptor before it closes."""
    async def main():
        loop = asyncio.get_running_loop()
        fd = ctx.fd
        ept = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("aio", dst=REMOTE))
        sim.set_tx_credits(1)
        sim.pause()
        fill_tx(ept.endpoint)
        receiver = asyncio.create_task(ept.recv())
        sender = asyncio.create_task(ept.send(b"stuck"))
        await asyncio.sleep(0.05)
        watched_at_close = []
        real_free = rpmsg._lowlevel.rpmsg_ctx_free

        def free_spy(ptr):
            # Is fd still in the loop's selector when the C library closes it?
            watched_at_close.append(fd in loop._selector.get_map())
            real_free(ptr)

        rpmsg._objects._ll.rpmsg_ctx_free = free_spy
        try:
            ctx.close()
        finally:
            rpmsg._objects._ll.rpmsg_ctx_free = real_free
        with pytest.raises(ValueError):
            await asyncio.wait_for(receiver, 5)
        with pytest.raises(OSError) as e:
            await asyncio.wait_for(sender, 5)
        assert e.value.errno == errno.ECANCELED
        with pytest.raises(ValueError):
            await asyncio.wait_for(ept.recv(), 5)
        with pytest.raises(ValueError):
            await asyncio.wait_for(ept.send(b"x"), 5)
        with pytest.raises(ValueError):
            ept.send_nowait(b"x")
        ept.close()
        assert not loop.remove_reader(fd)
        return watched_at_close

    assert run(main()) == [False]


def _time_out_sends(sim, aept, n):
    """Queue n send_nowait() that the paused remote makes time out."""
    sim.set_tx_credits(1)
    sim.pause()
    fill_tx(aept.endpoint)
    aept.endpoint.send_timeout = 0.05
    for _ in range(n):
        aept.send_nowait(b"will time out")


def test_send_nowait_failures_stay_with_their_endpoint(sim):
    """33 failures on A: none reaches B, A raises each of them once."""
    async def main():
        a = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("a", dst=REMOTE))
        b = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("b", dst=REMOTE))
        b_waiting = asyncio.create_task(b.recv())
        _time_out_sends(sim, a, 33)
        await asyncio.sleep(0.5)  # the 33 time out meanwhile, with B waiting
        sim.send(REMOTE, b.endpoint.src, b"for b")
        assert await asyncio.wait_for(b_waiting, 5) == b"for b"
        errors = []
        for _ in range(33):
            with pytest.raises(TimeoutError) as e:
                await asyncio.wait_for(a.recv(), 5)
            errors.append(e.value)
        assert len({id(x) for x in errors}) == 33
        assert all(x.errno == errno.ETIMEDOUT for x in errors)
        # Nothing more for A: its next recv() waits.
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(a.recv(), 0.1)
        sim.resume()
        a.close()
        b.close()

    run(main())


def test_send_nowait_failure_wakes_a_recv_of_its_endpoint_only(sim):
    async def main():
        a = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("a", dst=REMOTE))
        b = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("b", dst=REMOTE))
        b_waiting = asyncio.create_task(b.recv())
        a_waiting = asyncio.create_task(a.recv())
        await asyncio.sleep(0.01)
        _time_out_sends(sim, a, 1)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(a_waiting, 5)
        assert not b_waiting.done()
        sim.send(REMOTE, b.endpoint.src, b"for b")
        assert await asyncio.wait_for(b_waiting, 5) == b"for b"
        sim.resume()
        a.close()
        b.close()

    run(main())


def test_send_nowait_failures_left_are_raised_by_close(sim):
    async def main():
        one = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("one", dst=REMOTE))
        three = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("three", dst=REMOTE))
        _time_out_sends(sim, one, 1)
        fill_tx(three.endpoint)
        three.endpoint.send_timeout = 0.05
        for _ in range(3):
            three.send_nowait(b"will time out")
        # Every send timed out before close() (which would cancel the rest instead).
        for _ in range(500):
            if len(one._failures) == 1 and len(three._failures) == 3:
                break
            await asyncio.sleep(0.01)
        with pytest.raises(TimeoutError):
            one.close()
        one.close()  # raised once only
        with pytest.raises(ERROR_GROUP) as group:
            three.close()
        assert [e.errno for e in group.value.exceptions] == [errno.ETIMEDOUT] * 3
        assert group.value.message == "3 send_nowait() failures"
        three.close()
        sim.resume()

    run(main())


def test_sends_cancelled_by_close_are_not_failures(sim):
    async def main():
        a = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("a", dst=REMOTE))
        sim.set_tx_credits(1)
        sim.pause()
        fill_tx(a.endpoint)
        for _ in range(5):
            a.send_nowait(b"queued")
        a.close()  # cancels the five: nothing to raise
        sim.resume()

    run(main())


def test_every_callback_exception_reaches_an_aio_call(sim):
    """Exceptions of the context's other callbacks are kept, not overwritten."""
    async def main():
        a = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("aio", dst=REMOTE))
        other = sim.ctrl.create_endpoint("sync", dst=REMOTE)
        raised = []

        def bad(d, s):
            raised.append(KeyError(d))
            raise raised[-1]

        other.on_message = bad
        for i in range(3):
            other.send(b"%d" % i)
        await asyncio.sleep(0.3)  # dispatched while no aio call waits
        assert len(raised) == 3
        for exc in raised:
            with pytest.raises(KeyError) as e:
                await asyncio.wait_for(a.recv(), 5)
            assert e.value is exc
        a.close()
        other.close()

    run(main())


def test_callback_exceptions_left_go_back_to_the_context(ctx, sim):
    async def main():
        a = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("aio", dst=REMOTE))
        other = sim.ctrl.create_endpoint("sync", dst=REMOTE)

        def bad(d, s):
            raise KeyError(d)

        other.on_message = bad
        other.send(b"first")
        other.send(b"second")
        await asyncio.sleep(0.3)
        a.close()
        other.on_message = None
        return other

    run(main())
    with pytest.raises(ERROR_GROUP) as group:
        ctx.close()
    assert [e.args for e in group.value.exceptions] == [(b"first",), (b"second",)]


def test_callback_exception_after_the_last_aio_endpoint_closed_stays_with_the_context(ctx, sim):
    async def main():
        a = rpmsg.aio.Endpoint(sim.ctrl.create_endpoint("aio", dst=REMOTE))
        other = sim.ctrl.create_endpoint("sync", dst=REMOTE)

        def close_then_raise(d, s):
            a.close()  # the loop stops watching the context in the middle of a dispatch
            raise KeyError(d)

        other.on_message = close_then_raise
        other.send(b"x")
        for _ in range(50):
            if a.endpoint.closed:
                break
            await asyncio.sleep(0.01)
        other.on_message = None

    run(main())
    with pytest.raises(KeyError):
        ctx.dispatch(0)
