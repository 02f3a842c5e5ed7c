#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""asyncio echo: one task sends (awaiting each completion), the main task
receives with `async for` and checks the order. The context's descriptor is
watched by the event loop: no threads, no polling."""

import asyncio
import struct
import time

import rpmsg.aio
from _common import TIMEOUT, open_remote, parse


async def echo(ept, count):
    async def sender():
        for i in range(count):
            await ept.send(struct.pack("<Q", i) + b"asyncio #%d" % i)

    task = asyncio.create_task(sender())
    received = 0
    async for msg in ept:
        (seq,) = struct.unpack_from("<Q", msg)
        if seq != received:
            raise RuntimeError(f"echo #{seq} arrived where #{received} was due")
        received += 1
        if received == count:
            break
    await task
    return received


async def main():
    opts = parse("Echo with asyncio: await send(), async for over the messages.", count=10000)
    with open_remote(opts) as (ctx, sync_ept, label):
        async with rpmsg.aio.Endpoint(sync_ept) as ept:
            t0 = time.monotonic()
            n = await asyncio.wait_for(echo(ept, opts.count), TIMEOUT + opts.count / 1000)
            secs = time.monotonic() - t0
    print(f"{label}: {n} messages echoed in order in {secs:.3f} s: {n / secs:.0f} messages/s")


if __name__ == "__main__":
    asyncio.run(main())
