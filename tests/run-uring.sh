#!/bin/sh
# SPDX-License-Identifier: MIT
# The Check suite on the io_uring engine.
RPMSG_ENGINE=uring exec "${builddir:-.}/tests/check-librpmsg" "$@"
