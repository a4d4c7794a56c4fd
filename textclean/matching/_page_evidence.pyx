# cython: language_level=3
"""Compiled twins of textclean.kinds.page_evidence's word counts; the pure functions there are the spec.

One pass over the folded text finds its words as ``_WORD`` (``\\w+(?:['’]\\w+)*``) finds them, without the
pattern: which characters are ``\\w`` is asked of ``regex`` once per character (kept in two bit sets), and only
the words no longer than the longest wanted word are made into strings, to be looked up.
"""
cimport cython
from libc.stdint cimport uint8_t
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ

import regex

_WORD_CHAR = regex.compile(r"\w")

cdef uint8_t _known[0x22000]  # per code point (0x110000 of them), a bit: whether _word holds its answer
cdef uint8_t _word[0x22000]  # per code point, a bit: whether it is \w


cdef bint _ask(Py_ssize_t code, Py_ssize_t byte, uint8_t bit) except -1:
    """Whether code point ``code`` is \\w, asked of ``regex`` and kept."""
    if _WORD_CHAR.fullmatch(chr(code)) is not None:
        _word[byte] |= bit
    _known[byte] |= bit
    return _word[byte] & bit != 0


cdef inline bint _is_word(Py_UCS4 ch) except -1:
    cdef Py_ssize_t code = <Py_ssize_t>ch
    cdef Py_ssize_t byte = code >> 3
    cdef uint8_t bit = 1 << (code & 7)
    if _known[byte] & bit:
        return _word[byte] & bit != 0
    return _ask(code, byte, bit)


cdef inline bint _apostrophe(Py_UCS4 ch) noexcept:
    return ch == u"'" or ch == u"\u2019"


@cython.boundscheck(False)
@cython.wraparound(False)
cdef Py_ssize_t _word_end(int kind, void *data, Py_ssize_t at, Py_ssize_t size) except -1:
    """Where the word that starts at ``at`` (a \\w character) ends: \\w+(?:['’]\\w+)*, taken greedily."""
    at += 1
    while at < size and _is_word(PyUnicode_READ(kind, data, at)):
        at += 1
    while at + 1 < size and _apostrophe(PyUnicode_READ(kind, data, at)) \
            and _is_word(PyUnicode_READ(kind, data, at + 1)):
        at += 2
        while at < size and _is_word(PyUnicode_READ(kind, data, at)):
            at += 1
    return at


cdef Py_ssize_t _longest(frozenset words) except -1:
    cdef Py_ssize_t longest = 0
    cdef str word
    for word in words:
        longest = max(longest, len(word))
    return longest


def stopword_counts(str folded, frozenset wanted):
    cdef dict counts = {}
    cdef Py_ssize_t size = len(folded), at = 0, start, longest = _longest(wanted)
    cdef int kind = PyUnicode_KIND(folded)
    cdef void *data = PyUnicode_DATA(folded)
    cdef str word
    while at < size:
        if not _is_word(PyUnicode_READ(kind, data, at)):
            at += 1
            continue
        start = at
        at = _word_end(kind, data, at, size)
        if at - start <= longest:  # a longer word is none of them
            word = folded[start:at]
            if word in wanted:
                counts[word] = counts.get(word, 0) + 1
    return counts


def word_counts(str line, frozenset stop):
    cdef Py_ssize_t size = len(line), at = 0, start, words = 0, stops = 0
    cdef int kind = PyUnicode_KIND(line)
    cdef void *data = PyUnicode_DATA(line)
    # str.casefold folds each character on its own: where none folds to more than one, a word's fold is the
    # folded line's characters at the word's place
    cdef str folded = line.casefold()
    cdef bint aligned = len(folded) == size
    while at < size:
        if not _is_word(PyUnicode_READ(kind, data, at)):
            at += 1
            continue
        start = at
        at = _word_end(kind, data, at, size)
        words += 1
        if (folded[start:at] if aligned else line[start:at].casefold()) in stop:
            stops += 1
    return words, stops
