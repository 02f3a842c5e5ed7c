#!/bin/sh
# SPDX-License-Identifier: MIT
# Lint of the Lua object layer, run by make check: bindings/lua/rpmsg.lua
# compiles (luac5.4 -p) and assigns no global variable, since everything it
# defines is a local or a field of the module table, and a misspelt name
# would otherwise become a global without a word. LUAC overrides the compiler.
set -u
LUAC=${LUAC:-luac5.4}
file=${srcdir:-.}/bindings/lua/rpmsg.lua

if ! command -v "$LUAC" >/dev/null 2>&1; then
	echo "SKIP: $LUAC not found (Debian: package lua5.4)"
	exit 77
fi
listing=$("$LUAC" -p -l "$file") || { echo "FAIL: $file does not compile"; exit 1; }
# A global assignment compiles to SETTABUP on the _ENV upvalue.
globals=$(printf '%s\n' "$listing" | grep 'SETTABUP.*; _ENV ')
if [ -n "$globals" ]; then
	echo "FAIL: $file assigns globals ([line] and name):"
	printf '%s\n' "$globals"
	exit 1
fi
echo "PASS: $file compiles and assigns no global"
