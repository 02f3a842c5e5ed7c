/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/* Python typemaps: errno to OSError, payloads from any bytes-like object. */

%{
#include <errno.h>
#include <string.h>

/* OSError(err, "op: strerror"): the constructor picks the subclass
 * (BlockingIOError, TimeoutError, BrokenPipeError, ...) from err. */
static PyObject *rpmsg_py_os_error(int err, const char *op)
{
	char msg[128];

	PyOS_snprintf(msg, sizeof(msg), "%s: %s", op, strerror(err));
	return PyObject_CallFunction(PyExc_OSError, "is", err, msg);
}

static void rpmsg_py_raise_errno(int err, const char *op)
{
	PyObject *exc = rpmsg_py_os_error(err, op);

	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
}

/* A path as Python shows it (undecodable bytes escaped), or None for NULL. */
static PyObject *rpmsg_py_path(const char *path)
{
	if (!path)
		Py_RETURN_NONE;
	return PyUnicode_DecodeFSDefault(path);
}

/* OSError(err, strerror, path[, None, path2]), as open() and os.rename() raise it:
 * the path goes to .filename (and .filename2), the message is strerror's. */
static void rpmsg_py_raise_errno_paths(int err, const char *path, const char *path2)
{
	PyObject *name = rpmsg_py_path(path);
	PyObject *name2 = path2 ? rpmsg_py_path(path2) : NULL;
	PyObject *exc = NULL;

	if (name && (!path2 || name2))
		exc = path2 ? PyObject_CallFunction(PyExc_OSError, "isOOO", err, strerror(err), name,
						    Py_None, name2)
			    : PyObject_CallFunction(PyExc_OSError, "isO", err, strerror(err), name);
	if (exc) {
		PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
		Py_DECREF(exc);
	}
	Py_XDECREF(name);
	Py_XDECREF(name2);
}

/* Used by the shared %exception blocks of rpmsg.i. */
#define RPMSG_BINDING_RAISE_ERRNO(op) \
	do { \
		rpmsg_py_raise_errno(errno, op); \
		SWIG_fail; \
	} while (0)
#define RPMSG_BINDING_RAISE_ERRNO_PATHS(op, path, path2) \
	do { \
		rpmsg_py_raise_errno_paths(errno, path, path2); \
		SWIG_fail; \
	} while (0)
%}

/*
 * Payload: any object with the buffer protocol (bytes, bytearray,
 * memoryview, array, ...), C-contiguous. The view is held until the call
 * returns, so the object cannot be resized while the GIL is released.
 */
%typemap(in) (const void *data, size_t len) (Py_buffer view, int have_view = 0) {
	if (PyUnicode_Check($input)) {
		PyErr_SetString(PyExc_TypeError, "a bytes-like object is required, not 'str'");
		SWIG_fail;
	}
	if (PyObject_GetBuffer($input, &view, PyBUF_C_CONTIGUOUS) < 0)
		SWIG_fail;
	have_view = 1;
	$1 = view.buf;
	$2 = (size_t)view.len;
}
%typemap(freearg) (const void *data, size_t len) {
	if (have_view$argnum)
		PyBuffer_Release(&view$argnum);
}
%typemap(typecheck, precedence=SWIG_TYPECHECK_STRING) (const void *data, size_t len) {
	$1 = PyObject_CheckBuffer($input) ? 1 : 0;
}
