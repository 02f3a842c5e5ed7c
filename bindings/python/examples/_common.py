# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""Options and set-up shared by the examples (like examples/common.c)."""

import argparse
import contextlib

import rpmsg

# Give up when no echo arrived for this long, in seconds.
TIMEOUT = 2.0


def parse(description, count, inflight=None):
    p = argparse.ArgumentParser(description=description)
    where = p.add_mutually_exclusive_group()
    where.add_argument("--sim", action="store_true", help="simulated remote (the default)")
    where.add_argument("--ctrl", metavar="PATH", help="control device, e.g. /dev/rpmsg_ctrl0")
    where.add_argument("--rproc", metavar="NAME", help="remote processor, e.g. remoteproc0")
    p.add_argument("--dst", type=lambda s: int(s, 0), default=30,
                   help="address of the remote echo service (default 30)")
    p.add_argument("--name", default="rpmsg-raw", help="service name (default rpmsg-raw)")
    p.add_argument("-n", "--count", type=int, default=count, help="messages to send")
    if inflight is not None:
        p.add_argument("-k", "--inflight", type=int, default=inflight,
                       help="messages in flight")
    return p.parse_args()


@contextlib.contextmanager
def open_remote(opts):
    """Yield (context, endpoint, label) for the remote the options name."""
    with rpmsg.Context() as ctx:
        if opts.ctrl:
            ctrl, label = ctx.open_ctrl(opts.ctrl), opts.ctrl
        elif opts.rproc:
            ctrl, label = ctx.open_rproc(opts.rproc), opts.rproc
        else:
            ctrl, label = ctx.simulate().ctrl, "simulated remote"
        with ctrl.create_endpoint(opts.name, dst=opts.dst) as ept:
            yield ctx, ept, label
