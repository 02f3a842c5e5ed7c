#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""Asynchronous echo: keep -k messages in flight with send_async(), send the
next one from the receive callback, check that every echo comes back in
order, and report the rate. All the work happens in Context.dispatch()."""

import struct
import sys
import time

from _common import TIMEOUT, open_remote, parse


def main():
    opts = parse("Pipelined echo with asynchronous sends and callbacks.",
                 count=10000, inflight=32)
    with open_remote(opts) as (ctx, ept, label):
        sent = echoed = completed = 0

        def on_sent(error):
            nonlocal completed
            completed += 1
            if error is not None:
                raise error  # re-raised by dispatch()

        def send_next():
            nonlocal sent
            ept.send_async(struct.pack("<Q", sent) + b"async #%d" % sent, on_sent)
            sent += 1

        def on_message(data, src):
            nonlocal echoed
            (seq,) = struct.unpack_from("<Q", data)
            if seq != echoed:
                raise RuntimeError(f"echo #{seq} arrived where #{echoed} was due")
            echoed += 1
            while sent < opts.count and sent - echoed < opts.inflight:
                send_next()

        def on_down(error):
            raise error

        ept.on_message = on_message
        ept.on_down = on_down
        t0 = progress = time.monotonic()
        last = 0
        while sent < min(opts.inflight, opts.count):
            send_next()
        while echoed < opts.count or completed < sent:
            ctx.dispatch(TIMEOUT)
            if echoed + completed != last:
                last, progress = echoed + completed, time.monotonic()
            elif time.monotonic() - progress >= TIMEOUT:
                sys.exit(f"stalled after {echoed} echoes ({sent} sent, {completed} completed)")
        secs = time.monotonic() - t0
        print(f"{label}: {echoed} messages echoed in order, {opts.inflight} in flight, "
              f"in {secs:.3f} s: {echoed / secs:.0f} messages/s")


if __name__ == "__main__":
    main()
