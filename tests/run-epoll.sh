#!/bin/sh
# SPDX-License-Identifier: MIT
# The Check suite on the epoll engine.
RPMSG_ENGINE=epoll exec "${builddir:-.}/tests/check-librpmsg" "$@"
