#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""Synchronous echo: send a message, dispatch until its echo arrives, check it.

    echo_sync.py                          simulated remote
    echo_sync.py --ctrl /dev/rpmsg_ctrl0  a real remote with an echo service at address 30
"""

import sys
import time

from _common import TIMEOUT, open_remote, parse


def main():
    opts = parse("Send messages one at a time and wait for each echo.", count=5)
    with open_remote(opts) as (ctx, ept, label):
        echoes = []
        downs = []
        ept.on_message = lambda data, src: echoes.append(data)  # runs inside dispatch()
        ept.on_down = downs.append
        for i in range(1, opts.count + 1):
            msg = b"hello %d" % i
            echoes.clear()
            t0 = time.monotonic()
            ept.send(msg)  # returns once the kernel took it
            while not echoes and not downs:
                left = t0 + TIMEOUT - time.monotonic()
                if left <= 0:
                    sys.exit(f"no echo of {msg!r} within {TIMEOUT} s")
                ctx.dispatch(left)
            if downs:
                sys.exit(f"endpoint went down: {downs[0]}")
            if echoes[0] != msg:
                sys.exit(f"sent {msg!r} but received {echoes[0]!r}")
            print(f"{label}: {msg.decode()} ({(time.monotonic() - t0) * 1e6:.0f} us)")
        print(f"{label}: {opts.count} messages echoed")


if __name__ == "__main__":
    main()
