#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: librpmsg authors
# The ABI guard: the public header, the version script, the RPMSG_API
# definitions, the built library's exports and the bindings must agree, so
# that a public function cannot be half-added (CONTRIBUTING.md). Checks:
#  1. every rpmsg_* function declared in include/rpmsg/rpmsg.h is listed in
#     librpmsg/librpmsg.sym, defined with RPMSG_API in librpmsg/*.c and
#     exported by librpmsg.so, and nothing is listed, defined with RPMSG_API
#     or exported that the header does not declare;
#  2. the SWIG bindings: every SWIG directive names a public function; every
#     public function that can fail has its errno %exception in
#     bindings/rpmsg.i; each binding's generated wrapper (when the binding is
#     configured) wraps every public function but those of its exclusion list
#     below, each excluded one being replaced by the binding's own function;
#     the Python package calls every function it wraps;
#  3. the constants: every RPMSG_* macro and enumerator of the header is a
#     constant of each wrapper; the Lua errno list (bindings/lua/lua_typemaps.i)
#     holds exactly the errno values the header documents.
# One line per check, then "abi-guard: N passed, N failed"; exits 1 on a
# failure. Run by make check from the top build directory ($srcdir: the source
# tree); the library must be built.
set -u
export LC_ALL=C
builddir=$(pwd)
srcdir=${srcdir:-.}
header=$srcdir/include/rpmsg/rpmsg.h
sym=$srcdir/librpmsg/librpmsg.sym
lib=$builddir/librpmsg/.libs/librpmsg.so
passed=0
failed=0

# ---- Exclusion lists: public functions a binding does not wrap as they are ----
# "function replacement": the replacement is the binding's own function (in its
# wrapper) that takes the language's callable; "-" means not bound at all.
# Functions that take a C callback, and the getters of their user_data (the
# trampoline's own data, never the language's object), are %ignore'd in
# bindings/rpmsg.i: each binding installs its trampolines instead.
python_excluded='
rpmsg_ept_set_rx_cb		rpmsg_py_ept_set_rx_cb
rpmsg_ept_get_rx_cb_data	rpmsg_py_ept_set_rx_cb
rpmsg_ept_set_event_cb		rpmsg_py_ept_set_event_cb
rpmsg_ept_get_event_cb_data	rpmsg_py_ept_set_event_cb
rpmsg_ept_send_async		rpmsg_py_ept_send_async
rpmsg_sim_set_handler		rpmsg_py_sim_set_handler
'
lua_excluded='
rpmsg_ept_set_rx_cb		lua_set_rx_cb
rpmsg_ept_get_rx_cb_data	lua_set_rx_cb
rpmsg_ept_set_event_cb		lua_set_event_cb
rpmsg_ept_get_event_cb_data	lua_set_event_cb
rpmsg_ept_send_async		lua_send_async
rpmsg_sim_set_handler		-
'
# (rpmsg_sim_set_handler: its handler runs on the simulator's thread, where a
# Lua state cannot be entered; bindings/lua/README.md says so.)
# Wrapped by rpmsg._lowlevel but not called by the rpmsg package (rpmsg/*.py):
#   rpmsg_ept_get_ctx: an Endpoint keeps its Context object.
python_package_excluded='rpmsg_ept_get_ctx'
# Header constants the rpmsg package does not use (it uses all others):
#   RPMSG_ENGINE_*: rpmsg.Engine is the engine's name (rpmsg_engine_name);
#   RPMSG_EVENT_DOWN: the only event: the event callback gets its error only.
python_package_constants_excluded='RPMSG_ENGINE_URING RPMSG_ENGINE_EPOLL RPMSG_EVENT_DOWN'
# Public functions that return a value yet need no errno %exception in
# bindings/rpmsg.i, besides the accessors (*_get_*, *_is_*, *_count), whose
# failure value is an ordinary value: rpmsg_api_version never fails.
no_errno_exception='rpmsg_api_version'
# errno values the header documents that the Lua module deliberately leaves out
# of its errno constants: none.
lua_errno_excluded=''

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rpmsg-abi-guard.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

pass() {
	passed=$((passed + 1))
	echo "PASS: $*"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

skip() {
	echo "SKIP: $*"
}

# count FILE: its number of lines (names)
count() {
	wc -l <"$1" | tr -d ' '
}

# set FILE: sort FILE's names, one per line, without duplicates or blank lines
set_of() {
	grep -v '^[[:space:]]*$' | sort -u >"$1"
}

# words STRING: its whitespace-separated words, one per line
words() {
	# shellcheck disable=SC2086 # split on purpose
	printf '%s\n' $1
}

# list FILE: its names on one line
list() {
	tr '\n' ' ' <"$1" | sed 's/ $//'
}

# agree WHAT NAME_A A NAME_B B: sets A and B are equal; otherwise tell what
# each lacks.
agree() {
	local what=$1 name_a=$2 a=$3 name_b=$4 b=$5
	comm -23 "$a" "$b" >"$tmp/only_a"
	comm -13 "$a" "$b" >"$tmp/only_b"
	if [ ! -s "$tmp/only_a" ] && [ ! -s "$tmp/only_b" ]; then
		pass "$what: $(count "$a") in $name_a, $(count "$b") in $name_b"
		return
	fi
	fail "$what: $(count "$a") in $name_a, $(count "$b") in $name_b"
	[ -s "$tmp/only_a" ] &&
		echo "    in $name_a but missing from $name_b: $(list "$tmp/only_a")"
	[ -s "$tmp/only_b" ] &&
		echo "    in $name_b but missing from $name_a: $(list "$tmp/only_b")"
}

# covers WHAT NAME_A A NAME_B B: every name of A is in B
covers() {
	local what=$1 name_a=$2 a=$3 name_b=$4 b=$5
	comm -23 "$a" "$b" >"$tmp/only_a"
	if [ ! -s "$tmp/only_a" ]; then
		pass "$what: $(count "$a") in $name_a, all in $name_b"
	else
		fail "$what: $(count "$a") in $name_a"
		echo "    missing from $name_b: $(list "$tmp/only_a")"
	fi
}

# nonempty WHAT FILE SOURCE: FILE holds names, else reading SOURCE failed
nonempty() {
	[ -s "$2" ] && return 0
	fail "$1: found none in $3 (its format changed?)"
	return 1
}

# C text without its comments (/* */ and //), line by line
strip_comments() {
	awk '{
		line = $0; out = ""
		while (line != "") {
			if (inc) {
				i = index(line, "*/")
				if (!i) { line = ""; break }
				line = substr(line, i + 2); inc = 0
			} else {
				i = index(line, "/*")
				if (!i) { out = out line; line = "" }
				else { out = out substr(line, 1, i - 1) " "; line = substr(line, i + 2); inc = 1 }
			}
		}
		sub(/\/\/.*/, "", out)
		print out
	}' "$@"
}

# comment TEXT: only the comments of a C file (for the errno values it documents)
comments_only() {
	awk '{
		line = $0; out = ""
		while (line != "") {
			if (inc) {
				i = index(line, "*/")
				if (!i) { out = out line; line = ""; break }
				out = out substr(line, 1, i - 1) " "; line = substr(line, i + 2); inc = 0
			} else {
				i = index(line, "/*")
				if (!i) { line = ""; break }
				line = substr(line, i + 2); inc = 1
			}
		}
		print out
	}' "$@"
}

for f in "$header" "$sym"; do
	if [ ! -r "$f" ]; then
		echo "FAIL: cannot read $f (srcdir=$srcdir)"
		echo "abi-guard: 0 passed, 1 failed"
		exit 1
	fi
done

# ---- The public header ----
strip_comments "$header" | grep -v '^[[:space:]]*#' | tr '\n' ' ' >"$tmp/header.c"
grep -oE '[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\(' "$tmp/header.c" | tr -d ' \t(' |
	grep '^rpmsg_' | set_of "$tmp/header_functions"
{
	strip_comments "$header" |
		sed -n 's/^[[:space:]]*#[[:space:]]*define[[:space:]]\{1,\}\(RPMSG_[A-Za-z0-9_]*\).*/\1/p'
	grep -oE 'enum[[:space:]]+[A-Za-z0-9_]*[[:space:]]*\{[^}]*\}' "$tmp/header.c" |
		sed 's/^[^{]*{//' | grep -oE '\bRPMSG_[A-Za-z0-9_]+'
} | set_of "$tmp/header_constants"
nonempty "public header functions" "$tmp/header_functions" "$header"
nonempty "public header constants" "$tmp/header_constants" "$header"

# ---- 1. Header, version script, RPMSG_API definitions, exports ----
strip_comments "$sym" | awk '
	/global:/ { g = 1; sub(/.*global:/, "") }
	/local:/ { g = 0 }
	g' | grep -oE '[A-Za-z_][A-Za-z0-9_]*[[:space:]]*;' | tr -d ' \t;' | set_of "$tmp/sym"
agree "header vs version script" "include/rpmsg/rpmsg.h" "$tmp/header_functions" \
	"librpmsg/librpmsg.sym" "$tmp/sym"

strip_comments "$srcdir"/librpmsg/*.c | awk '
	/^[ \t]*RPMSG_API[ \t]/ { acc = ""; want = 1 }
	want { acc = acc " " $0 }
	want && acc ~ /\(/ {
		s = substr(acc, 1, index(acc, "(") - 1)
		n = split(s, w, /[ \t*]+/)
		while (n > 1 && w[n] == "") n--
		print w[n]; want = 0
	}' | set_of "$tmp/api"
agree "header vs RPMSG_API definitions" "include/rpmsg/rpmsg.h" "$tmp/header_functions" \
	"librpmsg/*.c (RPMSG_API)" "$tmp/api"

if [ ! -e "$lib" ]; then
	fail "header vs exports: $lib is not built (a shared library is needed)"
elif ! nm -D --defined-only "$lib" >"$tmp/nm" 2>"$tmp/nm.err"; then
	fail "header vs exports: nm -D failed on $lib: $(cat "$tmp/nm.err")"
else
	# Version nodes (LIBRPMSG_0.1) are absolute symbols, not exports.
	awk 'NF >= 3 && $2 != "A" && $2 != "a" { sub(/@.*/, "", $3); print $3 }' "$tmp/nm" |
		set_of "$tmp/exports"
	agree "header vs exports" "include/rpmsg/rpmsg.h" "$tmp/header_functions" \
		"librpmsg.so (nm -D)" "$tmp/exports"
fi

# ---- 2. The bindings ----
# SWIG directives naming a function: each must name a public function (a typo
# in %exception or %threadallow is silently ignored by SWIG).
swig_files=$(cd "$srcdir" && echo bindings/rpmsg.i bindings/*/*.i)
for f in $swig_files; do
	strip_comments "$srcdir/$f" | sed -n \
		-e 's/^[[:space:]]*%\(ignore\|threadallow\|nothreadallow\|exception\|rename([^)]*)\)[[:space:]]\{1,\}\(rpmsg_[A-Za-z0-9_]*\).*/\2/p' \
		-e 's/^[[:space:]]*RPMSG_ERRNO_[A-Z_]*([[:space:]]*\(rpmsg_[A-Za-z0-9_]*\).*/\1/p'
done | set_of "$tmp/directives"
covers "SWIG directives name public functions" "bindings/**/*.i directives" "$tmp/directives" \
	"include/rpmsg/rpmsg.h" "$tmp/header_functions"

# Every public function that returns a value others than accessors must turn
# its failure into the language's error: an RPMSG_ERRNO_* or %exception in
# bindings/rpmsg.i, or %ignore there (its replacements handle errno).
tr ';' '\n' <"$tmp/header.c" | grep -E '\brpmsg_[A-Za-z0-9_]+[[:space:]]*\(' |
	grep -vE '^[[:space:]]*(extern[[:space:]]+)?void[[:space:]]+rpmsg_' |
	grep -oE '\brpmsg_[A-Za-z0-9_]+[[:space:]]*\(' | tr -d ' \t(' |
	grep -vE '_get_|_is_|_count$' | set_of "$tmp/fallible"
words "$no_errno_exception" | set_of "$tmp/no_errno_exception"
comm -23 "$tmp/fallible" "$tmp/no_errno_exception" >"$tmp/fallible_checked"
strip_comments "$srcdir/bindings/rpmsg.i" | sed -n \
	-e 's/^[[:space:]]*%\(ignore\|exception\)[[:space:]]\{1,\}\(rpmsg_[A-Za-z0-9_]*\).*/\2/p' \
	-e 's/^[[:space:]]*RPMSG_ERRNO_[A-Z_]*([[:space:]]*\(rpmsg_[A-Za-z0-9_]*\).*/\1/p' |
	set_of "$tmp/errno_handled"
covers "errno of fallible functions in the bindings" \
	"functions returning a value (not accessors, not excluded)" "$tmp/fallible_checked" \
	"bindings/rpmsg.i (RPMSG_ERRNO_*, %exception, %ignore)" "$tmp/errno_handled"

# %ignore'd in bindings/rpmsg.i: exactly what the exclusion lists name.
strip_comments "$srcdir/bindings/rpmsg.i" |
	sed -n 's/^[[:space:]]*%ignore[[:space:]]\{1,\}\(rpmsg_[A-Za-z0-9_]*\).*/\1/p' |
	set_of "$tmp/ignored"

# wrapper_names FILE: functions and constants of a generated SWIG wrapper
python_functions() {
	sed -n '/^static PyMethodDef SwigMethods\[\]/,/^};/p' "$1" |
		sed -n 's/^[[:space:]]*{[[:space:]]*"\([A-Za-z0-9_]*\)".*/\1/p'
}
python_constants() {
	sed -n 's/.*SWIG_Python_SetConstant(d,[[:space:]]*"\([A-Za-z0-9_]*\)".*/\1/p' "$1"
}
lua_functions() {
	sed -n '/^static swig_lua_method swig_SwigModule_methods\[\]/,/^};/p' "$1" |
		sed -n 's/^[[:space:]]*{[[:space:]]*"\([A-Za-z0-9_]*\)".*/\1/p'
}
lua_constants() {
	sed -n 's/.*SWIG_LUA_CONSTTAB_[A-Z]*("\([A-Za-z0-9_]*\)".*/\1/p' "$1"
}

# binding LANG EXCLUDED MODULE WRAPPER: the checks of one binding's wrapper
binding() {
	local lang=$1 excluded=$2 module=$3 wrapper=$4 w name
	local label="bindings/$lang/${wrapper##*/}"

	case $lang in python) name=Python ;; *) name=Lua ;; esac

	echo "$excluded" | awk 'NF { print $1 }' | set_of "$tmp/$lang.excluded"
	echo "$excluded" | awk 'NF && $2 != "-" { print $2 }' | set_of "$tmp/$lang.replacements"
	agree "$name exclusion list vs %ignore" "abi-guard.sh $name exclusions" "$tmp/$lang.excluded" \
		"bindings/rpmsg.i %ignore" "$tmp/ignored"

	if [ ! -e "$builddir/$module" ]; then
		skip "$name binding not configured ($module not built): its wrapper is not checked"
		return
	fi
	w=$builddir/$wrapper
	[ -r "$w" ] || w=$srcdir/$wrapper
	if [ ! -r "$w" ]; then
		fail "$name binding: $module is built but $wrapper is nowhere"
		return
	fi
	"${lang}_functions" "$w" | set_of "$tmp/$lang.functions"
	"${lang}_constants" "$w" | set_of "$tmp/$lang.constants"
	nonempty "$name wrapper functions" "$tmp/$lang.functions" "$label" || return
	nonempty "$name wrapper constants" "$tmp/$lang.constants" "$label" || return

	comm -23 "$tmp/header_functions" "$tmp/$lang.excluded" >"$tmp/$lang.expected"
	grep '^rpmsg_' "$tmp/$lang.functions" | grep -v '^rpmsg_py_' | set_of "$tmp/$lang.wrapped"
	agree "$name wrapper functions" "include/rpmsg/rpmsg.h less $name exclusions" \
		"$tmp/$lang.expected" "$label" "$tmp/$lang.wrapped"
	covers "$name replacements of excluded functions" "abi-guard.sh $name exclusions" \
		"$tmp/$lang.replacements" "$label" "$tmp/$lang.functions"
	grep '^RPMSG_' "$tmp/$lang.constants" | set_of "$tmp/$lang.rpmsg_constants"
	agree "$name wrapper constants" "include/rpmsg/rpmsg.h" "$tmp/header_constants" \
		"$label" "$tmp/$lang.rpmsg_constants"
}

binding python "$python_excluded" bindings/python/_lowlevel.la \
	bindings/python/rpmsg_python_wrap.c
binding lua "$lua_excluded" bindings/lua/rpmsg.la bindings/lua/rpmsg_lua_wrap.c

# The rpmsg package (Python) reaches the C functions through rpmsg._lowlevel
# only: every function and constant it wraps is used, and it uses nothing else.
grep -ohE '\b(_ll|_lowlevel)\.[A-Za-z_][A-Za-z0-9_]*' "$srcdir"/bindings/python/rpmsg/*.py |
	sed 's/.*\.//' | set_of "$tmp/pkg_uses"
if [ -s "$tmp/python.functions" ]; then
	{
		grep -E '^rpmsg_' "$tmp/python.functions"
		grep -E '^RPMSG_' "$tmp/python.constants"
	} | set_of "$tmp/pkg_lowlevel"
	{
		words "$python_package_excluded"
		words "$python_package_constants_excluded"
	} | set_of "$tmp/pkg_excluded"
	comm -23 "$tmp/pkg_lowlevel" "$tmp/pkg_excluded" >"$tmp/pkg_expected"
	agree "Python package uses rpmsg._lowlevel" \
		"rpmsg._lowlevel less the package's exclusions" "$tmp/pkg_expected" \
		"bindings/python/rpmsg/*.py" "$tmp/pkg_uses"
fi

# ---- 3. errno values: the Lua module's constants ----
# The errno values the header's comments name (EINVAL, EDEADLK, ...): words
# that <errno.h> defines.
printf '#include <errno.h>\n' >"$tmp/errno.c"
if ${CC:-cc} -E -dM "$tmp/errno.c" 2>/dev/null |
	awk '$1 == "#define" && $2 ~ /^E[A-Z0-9]+$/ { print $2 }' | set_of "$tmp/errno_h" &&
	[ -s "$tmp/errno_h" ]; then
	comments_only "$header" | grep -oE '\bE[A-Z0-9]{2,}\b' | set_of "$tmp/documented_all"
	comm -12 "$tmp/documented_all" "$tmp/errno_h" >"$tmp/documented"
	words "$lua_errno_excluded" | set_of "$tmp/lua_errno_excluded"
	comm -23 "$tmp/documented" "$tmp/lua_errno_excluded" >"$tmp/lua_errno_expected"
	strip_comments "$srcdir/bindings/lua/lua_typemaps.i" |
		sed -n 's/^[[:space:]]*RPMSG_LUA_ERRNO(\(E[A-Z0-9]*\)).*/\1/p' | set_of "$tmp/lua_errno"
	agree "Lua errno constants" "include/rpmsg/rpmsg.h (documented errno, less exclusions)" \
		"$tmp/lua_errno_expected" "bindings/lua/lua_typemaps.i RPMSG_LUA_ERRNO" "$tmp/lua_errno"
	if [ -s "$tmp/lua.constants" ]; then
		grep -v '^RPMSG_' "$tmp/lua.constants" | set_of "$tmp/lua_errno_wrapped"
		agree "Lua wrapper errno constants" "bindings/lua/lua_typemaps.i" "$tmp/lua_errno" \
			"bindings/lua/rpmsg_lua_wrap.c" "$tmp/lua_errno_wrapped"
	fi
else
	fail "Lua errno constants: ${CC:-cc} -E could not list <errno.h>'s values"
fi

echo "abi-guard: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
