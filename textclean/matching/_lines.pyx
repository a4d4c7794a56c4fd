# cython: language_level=3
"""Compiled twins of textclean.matching.lines' loops; the pure functions there are the spec."""
from textclean.model.kind import Change


def nonblank_numbers(list lines):
    cdef Py_ssize_t number
    return [number for number in range(len(lines)) if len(<str>lines[number])]


def numbered_line_removals(str text, list raw_lines, dict removed, notes=None):
    cdef Py_ssize_t last = len(raw_lines) - 1, number, index, start
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
