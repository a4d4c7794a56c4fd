# cython: language_level=3
"""Compiled twins of textclean.stages.tidy's loops over lines; the pure functions there are the spec."""
cimport cython


@cython.boundscheck(False)
@cython.wraparound(False)
cdef inline bint _is_space(str line, Py_ssize_t at, frozenset spaces):
    cdef Py_UCS4 ch = line[at]
    if 0x20 < ch < 0x85:  # printable ASCII and DEL: none is white space; most lines end in one
        return False
    return line[at:at + 1] in spaces


def ends_in_space(list lines, frozenset spaces):
    cdef str line
    for line in lines:
        if len(line) and _is_space(line, len(line) - 1, spaces):
            return True
    return False


def trailing_spaces(list lines, frozenset spaces):
    cdef list found = []
    cdef Py_ssize_t offset = 0, size, start
    cdef str line
    for line in lines:
        size = len(line)
        if size and line[size - 1] == "\r":
            size -= 1
        if size and _is_space(line, size - 1, spaces):
            start = size - 1
            while start > 0 and _is_space(line, start - 1, spaces):
                start -= 1
            found.append((offset + start, offset + size))
        offset += len(line) + 1
    return found
