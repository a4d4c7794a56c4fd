# cython: language_level=3
"""Compiled twin of textclean.pipeline.engine.apply_changes; the pure function there is the spec."""
from operator import itemgetter

from textclean.model.document import Edit

_span = itemgetter(0, 1)


cdef object _edit(str rule, str kind, Py_ssize_t start, Py_ssize_t end, str before, str after, note):
    """Edit(rule, kind, start, end, before, after, note), its fields set as its generated __init__ sets
    them, without the seven object.__setattr__ calls of a frozen dataclass."""
    edit = Edit.__new__(Edit)
    fields = edit.__dict__
    fields["rule"] = rule
    fields["kind"] = kind
    fields["start"] = start
    fields["end"] = end
    fields["before"] = before
    fields["after"] = after
    fields["note"] = note
    return edit


cdef bint _in_order(list changes):
    """Whether ``changes`` are sorted by (start, end) already: sorted() would keep them as they are."""
    cdef Py_ssize_t number
    for number in range(1, len(changes)):
        earlier, later = changes[number - 1], changes[number]
        if earlier[0] > later[0] or (earlier[0] == later[0] and earlier[1] > later[1]):
            return False
    return True


def apply_changes(str text, changes, str kind):
    cdef list ordered = list(changes)
    if not _in_order(ordered):
        ordered.sort(key=_span)
    cdef list parts = []
    cdef list edits = []
    cdef Py_ssize_t last = 0, reached = 0, delta = 0, start, end
    cdef str before, after
    for start, end, after, rule, note in ordered:
        if start < reached:
            raise ValueError(f"stage {kind!r} proposed overlapping changes at {start}")
        reached = end
        before = text[start:end]
        if before == after:
            continue
        parts.append(text[last:start])
        parts.append(after)
        edits.append(_edit(rule, kind, start + delta, end + delta, before, after, note))
        delta += len(after) - len(before)
        last = end
    if not edits:
        return text, []
    parts.append(text[last:])
    return "".join(parts), edits
