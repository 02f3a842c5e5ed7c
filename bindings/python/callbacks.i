/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: librpmsg authors */

/*
 * Python callbacks: C trampolines with the Python objects as user_data.
 *
 * The user_data of an endpoint or send callback is a tuple (callable, errors)
 * owned by the C side: one reference taken when installed, dropped when
 * replaced, cleared, or (for a send) after its single completion. `errors` is
 * the list of the context's pending exceptions: an exception raised by a
 * callback is appended there and re-raised by the Python layer from
 * dispatch() or close(), never printed or lost.
 *
 * A callback may replace itself or close its endpoint, which drops the tuple:
 * the trampolines therefore hold their own references for the duration of
 * the call.
 *
 * The simulated remote's handler runs on the simulator's thread with its lock
 * held; its tuple is kept alive by the Python Sim object, which only drops it
 * after rpmsg_sim_set_handler or rpmsg_sim_free returned (neither can return
 * while the handler runs).
 */

%{
/* Record the exception being raised in `errors`; clears it. */
static void rpmsg_py_keep_error(PyObject *errors)
{
	PyObject *type, *value, *tb;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	if (tb && value)
		PyException_SetTraceback(value, tb);
	if (!value || PyList_Append(errors, value) < 0)
		PyErr_WriteUnraisable(errors);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
}

/* Call callable(*args) and keep any exception in errors; steals `args` items. */
static void rpmsg_py_call(PyObject *data, PyObject *const *args, size_t nargs)
{
	PyObject *callable = PyTuple_GET_ITEM(data, 0);
	PyObject *errors = PyTuple_GET_ITEM(data, 1);
	PyObject *res = NULL;
	size_t i;

	/* Our own references: the callback may drop the tuple by closing the endpoint. */
	Py_INCREF(data);
	for (i = 0; i < nargs; i++) {
		if (!args[i])
			goto out;
	}
	res = PyObject_Vectorcall(callable, args, nargs, NULL);
out:
	if (!res)
		rpmsg_py_keep_error(errors);
	Py_XDECREF(res);
	for (i = 0; i < nargs; i++)
		Py_XDECREF(args[i]);
	Py_DECREF(data);
}

/* An OSError for a -errno status, or None for 0. */
static PyObject *rpmsg_py_status(int status, const char *op)
{
	if (!status)
		Py_RETURN_NONE;
	return rpmsg_py_os_error(-status, op);
}

static void rpmsg_py_on_rx(struct rpmsg_ept *ept, const void *data, size_t len, uint32_t src,
			   void *user_data)
{
	PyGILState_STATE gil = PyGILState_Ensure();
	PyObject *args[2];

	args[0] = PyBytes_FromStringAndSize(data, (Py_ssize_t)len);
	args[1] = PyLong_FromUnsignedLong(src);
	rpmsg_py_call(user_data, args, 2);
	PyGILState_Release(gil);
}

static void rpmsg_py_on_event(struct rpmsg_ept *ept, enum rpmsg_event event, int error,
			      void *user_data)
{
	PyGILState_STATE gil = PyGILState_Ensure();
	PyObject *args[1];

	args[0] = rpmsg_py_os_error(error, "endpoint down");
	rpmsg_py_call(user_data, args, 1);
	PyGILState_Release(gil);
}

static void rpmsg_py_on_sent(struct rpmsg_ept *ept, int status, void *user_data)
{
	PyGILState_STATE gil = PyGILState_Ensure();
	PyObject *args[1];

	args[0] = rpmsg_py_status(status, "rpmsg_ept_send_async");
	rpmsg_py_call(user_data, args, 1);
	/* Completions run exactly once: this was the send's reference. */
	Py_DECREF((PyObject *)user_data);
	PyGILState_Release(gil);
}

static void rpmsg_py_sim_handler(struct rpmsg_sim *sim, uint32_t from, uint32_t to,
				 const void *data, size_t len, void *user_data)
{
	PyGILState_STATE gil = PyGILState_Ensure();
	PyObject *args[3];

	args[0] = PyLong_FromUnsignedLong(from);
	args[1] = PyLong_FromUnsignedLong(to);
	args[2] = PyBytes_FromStringAndSize(data, (Py_ssize_t)len);
	rpmsg_py_call(user_data, args, 3);
	PyGILState_Release(gil);
}

/* A (callable, errors) pair, or NULL with TypeError. None gives NULL without error. */
static PyObject *rpmsg_py_pair(PyObject *callable, PyObject *errors, int *fail)
{
	*fail = 0;
	if (callable == Py_None)
		return NULL;
	if (!PyCallable_Check(callable)) {
		PyErr_Format(PyExc_TypeError, "callback must be callable or None, not '%.100s'",
			     Py_TYPE(callable)->tp_name);
		*fail = 1;
		return NULL;
	}
	if (!PyList_Check(errors)) {
		PyErr_SetString(PyExc_TypeError, "errors must be a list");
		*fail = 1;
		return NULL;
	}
	return PyTuple_Pack(2, callable, errors);
}
%}

%inline %{
/* Install (or clear with None) the receive callback: callable(data: bytes, src: int). */
PyObject *rpmsg_py_ept_set_rx_cb(struct rpmsg_ept *ept, PyObject *callable, PyObject *errors)
{
	PyObject *old = rpmsg_ept_get_rx_cb_data(ept);
	int fail;
	PyObject *pair = rpmsg_py_pair(callable, errors, &fail);

	if (fail)
		return NULL;
	rpmsg_ept_set_rx_cb(ept, pair ? rpmsg_py_on_rx : NULL, pair);
	Py_XDECREF(old);
	Py_RETURN_NONE;
}

/* Install (or clear with None) the event callback: callable(error: OSError). */
PyObject *rpmsg_py_ept_set_event_cb(struct rpmsg_ept *ept, PyObject *callable, PyObject *errors)
{
	PyObject *old = rpmsg_ept_get_event_cb_data(ept);
	int fail;
	PyObject *pair = rpmsg_py_pair(callable, errors, &fail);

	if (fail)
		return NULL;
	rpmsg_ept_set_event_cb(ept, pair ? rpmsg_py_on_event : NULL, pair);
	Py_XDECREF(old);
	Py_RETURN_NONE;
}

/* Queue a send; callable(error: OSError | None) runs once on completion. */
PyObject *rpmsg_py_ept_send_async(struct rpmsg_ept *ept, const void *data, size_t len,
				  PyObject *callable, PyObject *errors)
{
	int fail, ret;
	PyObject *pair = rpmsg_py_pair(callable, errors, &fail);

	if (fail)
		return NULL;
	ret = rpmsg_ept_send_async(ept, data, len, pair ? rpmsg_py_on_sent : NULL, pair);
	if (ret < 0) {
		int err = errno;

		Py_XDECREF(pair);
		rpmsg_py_raise_errno(err, "rpmsg_ept_send_async");
		return NULL;
	}
	Py_RETURN_NONE;
}

/*
 * Install the remote's handler: callable(src: int, dst: int, data: bytes) on
 * the simulator's thread. Returns the pair the caller must keep alive until
 * the next call (None when cleared).
 */
PyObject *rpmsg_py_sim_set_handler(struct rpmsg_sim *sim, PyObject *callable, PyObject *errors)
{
	int fail;
	PyObject *pair = rpmsg_py_pair(callable, errors, &fail);

	if (fail)
		return NULL;
	/* The simulator's thread may hold its lock and wait for the GIL. */
	Py_BEGIN_ALLOW_THREADS
	rpmsg_sim_set_handler(sim, pair ? rpmsg_py_sim_handler : NULL, pair);
	Py_END_ALLOW_THREADS
	if (!pair)
		Py_RETURN_NONE;
	return pair;
}
%}
