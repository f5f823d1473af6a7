/*
 * bench/gpdb.mjs: sys.monitoring's floor with its LINE callback written in C,
 * to tell what CPython's instrumentation costs from what a callback written
 * in Python costs. `line(code, line_number)` records nothing and returns
 * sys.monitoring.DISABLE (handed over once by `set_disable`). Built by the
 * benchmark for each Python it times; never part of covshim.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *disable;

static PyObject *line(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
  Py_INCREF(disable);
  return disable;
}

static PyObject *set_disable(PyObject *self, PyObject *value) {
  Py_INCREF(value);
  Py_XDECREF(disable);
  disable = value;
  Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"line", (PyCFunction)(void (*)(void))line, METH_FASTCALL, "A LINE callback: returns DISABLE."},
    {"set_disable", set_disable, METH_O, "The object line() returns."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "cfloor", NULL, -1, methods};

PyMODINIT_FUNC PyInit_cfloor(void) { return PyModule_Create(&module); }
