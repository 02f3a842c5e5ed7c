# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
"""librpmsg for Python: Linux RPMsg endpoints with callbacks and asyncio.

    import rpmsg

    with rpmsg.Context() as ctx:
        sim = ctx.simulate()                    # or ctx.open_rproc("m4")
        with sim.ctrl.create_endpoint("rpmsg-raw", dst=30) as ept:
            ept.on_message = lambda data, src: print(data)
            ept.send(b"hello")
            ctx.dispatch(timeout=1.0)

Every failure of the C library raises the OSError subclass of its errno
(BlockingIOError, TimeoutError, BrokenPipeError, FileNotFoundError, ...),
with the path in its ``filename`` when the call was given one, as open() does;
wrong arguments raise TypeError or ValueError; a closed object raises
ValueError. Payloads are any bytes-like object; received data is bytes.
Timeouts are in seconds, None meaning no limit. For asyncio see rpmsg.aio.
"""

from . import _lowlevel
from ._objects import (
    ADDR_ANY,
    Context,
    ControlDevice,
    DeviceInfo,
    DeviceType,
    Endpoint,
    Engine,
    SimulatedRemote,
)

__all__ = [
    "ADDR_ANY", "MTU_DEFAULT", "MTU_MAX", "NAME_SIZE", "SEND_TIMEOUT_DEFAULT",
    "Context", "ControlDevice", "DeviceInfo", "DeviceType", "Endpoint", "Engine",
    "SimulatedRemote", "__version__",
]

#: Version of the C library.
__version__: str = _lowlevel.rpmsg_api_version()
#: Default maximum payload per message (virtio's 512-byte buffer minus its header).
MTU_DEFAULT: int = _lowlevel.RPMSG_MTU_DEFAULT
#: Largest MTU an endpoint accepts.
MTU_MAX: int = _lowlevel.RPMSG_MTU_MAX
#: Size of a service name including its NUL: names have at most NAME_SIZE - 1 bytes.
NAME_SIZE: int = _lowlevel.RPMSG_NAME_SIZE
#: Default send timeout of a new endpoint, in seconds.
SEND_TIMEOUT_DEFAULT: float = _lowlevel.RPMSG_SEND_TIMEOUT_DEFAULT_MS / 1000
