# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""Python echo throughput against the C asynchronous echo, in one run.

    bench-python.py ECHO_ASYNC [-n COUNT] [-k INFLIGHT] [-r ROUNDS]

Three methods against the simulated remote, each echoing COUNT messages with
INFLIGHT in flight and checking their order:
  C         examples/echo-async (send_async, re-send from the rx callback)
  callback  the same loop in Python: Endpoint.send_async + on_message + dispatch()
  asyncio   rpmsg.aio: one task awaits send(), another iterates `async for`
Prints the rates (median of ROUNDS) and each Python rate as a ratio of C's.
"""

import argparse
import asyncio
import re
import statistics
import struct
import subprocess
import sys
import time

import rpmsg
import rpmsg.aio

REMOTE = 30


def bench_c(echo_async, count, inflight):
    out = subprocess.run([echo_async, "-n", str(count), "-k", str(inflight)],
                         capture_output=True, text=True, check=True).stdout
    return float(re.search(r"([0-9.]+) messages/s", out).group(1))


def bench_callback(count, inflight):
    with rpmsg.Context() as ctx:
        ept = ctx.simulate().ctrl.create_endpoint("bench", dst=REMOTE)
        state = {"sent": 0, "echoed": 0, "done": 0}

        def on_sent(error):
            state["done"] += 1
            if error is not None:
                raise error

        def send_next():
            ept.send_async(struct.pack("<Q", state["sent"]), on_sent)
            state["sent"] += 1

        def on_message(data, src):
            if struct.unpack("<Q", data)[0] != state["echoed"]:
                raise RuntimeError("echo out of order")
            state["echoed"] += 1
            while state["sent"] < count and state["sent"] - state["echoed"] < inflight:
                send_next()

        ept.on_message = on_message
        t0 = time.monotonic()
        while state["sent"] < min(inflight, count):
            send_next()
        while state["echoed"] < count or state["done"] < state["sent"]:
            if ctx.dispatch(2.0) == 0:
                raise RuntimeError("stalled")
        return count / (time.monotonic() - t0)


async def _bench_asyncio(count):
    with rpmsg.Context() as ctx:
        ept = rpmsg.aio.Endpoint(ctx.simulate().ctrl.create_endpoint("bench", dst=REMOTE))

        async def sender():
            for i in range(count):
                await ept.send(struct.pack("<Q", i))

        t0 = time.monotonic()
        task = asyncio.create_task(sender())
        n = 0
        async for msg in ept:
            if struct.unpack("<Q", msg)[0] != n:
                raise RuntimeError("echo out of order")
            n += 1
            if n == count:
                break
        await task
        rate = count / (time.monotonic() - t0)
        ept.close()
        return rate


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("echo_async", help="path of examples/echo-async")
    p.add_argument("-n", "--count", type=int, default=20000)
    p.add_argument("-k", "--inflight", type=int, default=32)
    p.add_argument("-r", "--rounds", type=int, default=3)
    o = p.parse_args()
    rates = {"C": [], "callback": [], "asyncio": []}
    for _ in range(o.rounds):  # methods take turns
        rates["C"].append(bench_c(o.echo_async, o.count, o.inflight))
        rates["callback"].append(bench_callback(o.count, o.inflight))
        rates["asyncio"].append(asyncio.run(_bench_asyncio(o.count)))
    med = {k: statistics.median(v) for k, v in rates.items()}
    print(f"echo of {o.count} messages through the simulated remote, median of "
          f"{o.rounds} rounds (Python {sys.version.split()[0]}, librpmsg {rpmsg.__version__})")
    print(f"  C echo-async ({o.inflight} in flight)      {med['C']:10.0f} messages/s")
    print(f"  Python callbacks ({o.inflight} in flight)  {med['callback']:10.0f} messages/s"
          f"   ratio to C {med['callback'] / med['C']:.2f}")
    print(f"  Python asyncio (await send)    {med['asyncio']:10.0f} messages/s"
          f"   ratio to C {med['asyncio'] / med['C']:.2f}")


if __name__ == "__main__":
    main()
