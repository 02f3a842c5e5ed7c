# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""rpmsg.aio: recv, async iteration, awaited sends and timeouts on one loop."""

import asyncio
import errno
import struct
import threading

import pytest

import rpmsg
import rpmsg.aio
from conftest import REMOTE, fill_tx


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
