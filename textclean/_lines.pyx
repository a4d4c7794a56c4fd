# cython: language_level=3
"""Compiled twins of textclean.lines' loops; the pure functions there are the spec."""
from cpython.unicode cimport Py_UNICODE_ISSPACE

from textclean.kind import Change


cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void *PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, void *data, Py_ssize_t index)
    Py_ssize_t PyUnicode_GET_LENGTH(object text)


cdef inline str _strip(str line):
    """line.strip(), called only where the line starts or ends in white space (Py_UNICODE_ISSPACE, as
    str.strip takes it): most lines do neither, and str.strip would give them back as they are."""
    cdef Py_ssize_t size = PyUnicode_GET_LENGTH(line)
    if size == 0:
        return line
    cdef int kind = PyUnicode_KIND(line)
    cdef void *data = PyUnicode_DATA(line)
    if not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, 0)) and \
            not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, size - 1)):
        return line
    return line.strip()


def split_lines(str text):
    cdef list raw = text.split("\n")
    cdef list stripped = [None] * len(raw)
    cdef Py_ssize_t number
    for number in range(len(raw)):
        stripped[number] = _strip(<str>raw[number])
    return raw, stripped


def nonblank_numbers(list lines):
    cdef Py_ssize_t number
    return [number for number in range(len(lines)) if len(<str>lines[number])]


def numbered_line_removals(str text, list raw_lines, dict removed, notes=None):
    cdef Py_ssize_t last = len(raw_lines) - 1, number, index, start, count
    cdef Py_ssize_t previous_start = 0
    cdef list changes = []
    if not removed:
        return changes
    note_of = notes or {}
    cdef list numbers = sorted(removed)
    start = 0  # the offset of line ``index``
    index = 0
    new = tuple.__new__
    for number in numbers:
        while index < number:
            start += len(<str>raw_lines[index]) + 1
            index += 1
        if number == last:
            break
        changes.append(new(Change, (start, start + len(<str>raw_lines[number]) + 1, "", removed[number],
                                    note_of.get(number, ""))))
    if last in removed:
        while index < last:
            start += len(<str>raw_lines[index]) + 1
            index += 1
        changes.append(Change(start if last - 1 in removed else max(0, start - 1), len(text), "", removed[last],
                              note_of.get(last, "")))
    return changes
