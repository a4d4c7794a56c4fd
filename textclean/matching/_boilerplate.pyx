# cython: language_level=3
"""Compiled twin of textclean.kinds.boilerplate.paragraph_lines; the pure function there is the spec."""
cimport cython


@cython.boundscheck(False)
@cython.wraparound(False)
def paragraph_lines(list lines, list numbers, Py_ssize_t words):
    """Counts each line's parts between white space (as str.split does) up to ``words``, making no string."""
    cdef list found = []
    cdef Py_ssize_t number, at, size, parts
    cdef bint inside
    cdef str line
    for number in numbers:
        line = lines[number]
        size = len(line)
        if size < 2 * words - 1:
            continue
        parts = 0
        inside = False
        for at in range(size):
            if line[at].isspace():
                inside = False
            elif not inside:
                inside = True
                parts += 1
                if parts >= words:
                    found.append(number)
                    break
    return found
