"""How long a pattern can backtrack: a bound that spares the timeout where it provably cannot run away.

Every match runs under a timeout, but reading the clock for one costs ``regex`` 1.1 µs
a call here, more than most whole matches on a line. :func:`free_length` bounds the
steps a backtracking matcher can take, as a polynomial in the length of the text, and
gives the longest text on which the bound stays under :data:`FREE_STEPS`: up to that
length a pattern needs no timeout.

The bound is read from the ``re`` module's parse tree (:mod:`textclean.matching.re_tree`), with
every alternative kept (``re``'s parser would merge ``a|[a-z]`` into one character set,
but ``regex`` tries the two one after the other). It is known for patterns whose
repeats match one way each time round (not ``(a|ab)+`` nor ``(a+)+``), with no
back-references, no verbose mode (``re`` and ``regex`` read ``{1, 3}`` differently
there), no ``{`` but a repeat count and no syntax that only ``regex`` reads. A set of
many members counts as more than one step.
"""
from __future__ import annotations

from functools import cache

from .re_tree import ATOMIC_GROUP, POSSESSIVE_REPEAT, REPEAT_COUNT, REPEATS, parse, pieces, sre

#: Steps a pattern may provably take on a text and still run without a timeout. Even at 0.2 µs a step,
#: that is a tenth of the shortest time budget (MATCH_TIMEOUT).
FREE_STEPS = 1_000_000
_LONGEST_FREE = 1 << 20
_FEW = 256  # a repeat of at most this many times counts as that many; a longer one, as the text's length
_ONE_STEP = {sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY, sre.AT}
_SET_MEMBERS_PER_STEP = 32

Polynomial = tuple[float, ...]  # coefficients, lowest power first, of a bound in x = the text's length + 1
_ONE: Polynomial = (1.0,)
_X: Polynomial = (0.0, 1.0)


@cache
def free_length(patterns: tuple[str, ...]) -> int:
    """The longest text on which the alternation of ``patterns`` provably ends within FREE_STEPS steps, so that
    it needs no timeout there; -1 when no bound is known. The alternation is tried at one start
    (``match``, ``fullmatch``).

    >>> free_length((r"[^.!?]{1,60}",)) > 100_000
    True
    >>> free_length((r"\\p{L}+",)), free_length((r"(?:a|[a-z])+",)), free_length((r".*cookies.*",))
    (-1, -1, 497)
    """
    total: Polynomial = ()
    for pattern in patterns:
        found = bound(pattern)
        if found is None:
            return -1
        total = _plus(total, *found)  # each way to end is checked against the end of the text

    def fits(length: int) -> bool:
        return sum(c * (length + 1) ** power for power, c in enumerate(total)) <= FREE_STEPS

    if not fits(0):
        return -1
    low, high = 0, _LONGEST_FREE  # the bound grows with the length: find the last length within FREE_STEPS
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return low


@cache
def bound(pattern: str) -> tuple[Polynomial, Polynomial] | None:
    """Bounds on the ways ``pattern`` can end and on the steps it takes to try them all; None when unknown."""
    tree = parse(_alternatives_kept(pattern)) if _braces_alike(pattern) else None
    if tree is None or tree.state.flags & sre.SRE_FLAG_VERBOSE:
        return None
    return _steps(list(tree))


def _braces_alike(pattern: str) -> bool:
    """Whether every ``{`` starts a repeat count, which ``re`` and ``regex`` read alike. Elsewhere ``re``
    reads a ``{`` as text, and ``regex`` may read fuzzy matching (``(?:abc){e<=2}``), which can take
    exponential time."""
    at = 0
    for piece, syntax in pieces(pattern):
        if syntax and piece == "{" and not REPEAT_COUNT.match(pattern, at):
            return False
        at += len(piece)
    return True


def _alternatives_kept(pattern: str) -> str:
    """``pattern`` with an empty look-ahead before each ``|``: ``re``'s parser then keeps every alternative
    instead of merging one-character ones into a set (and dropping those that repeat another)."""
    return "".join("(?=)|" if syntax and piece == "|" else piece for piece, syntax in pieces(pattern))


def _steps(nodes: list) -> tuple[Polynomial, Polynomial] | None:
    """For a sequence of pattern nodes: bounds on the ways it can end (each of which a failure after it
    backtracks into) and on the steps it takes to try them all; None when not bounded so."""
    ends, work = _ONE, ()
    plain = 0  # single steps since the last other node: counted together, as they are most of a pattern
    for op, value in nodes:
        if op in _ONE_STEP:  # a set of many members takes longer to test a character against
            plain += 1 + len(value) // _SET_MEMBERS_PER_STEP if op == sre.IN else 1
            continue
        if plain:
            work, plain = _plus(work, _times(ends, (float(plain),))), 0
        # Entering a group, a look-around or an alternation costs a step of its own: regex does work at
        # every level of a nest (and keeps a capture's text each time round).
        if op == sre.SUBPATTERN:
            inner = None if value[1] & sre.SRE_FLAG_VERBOSE else _steps(list(value[-1]))
            node = None if inner is None else (inner[0], _plus(inner[1], _ONE))
        elif op in (ATOMIC_GROUP, sre.ASSERT, sre.ASSERT_NOT):  # never backtracked into: one way out
            inner = _steps(list(value if op == ATOMIC_GROUP else value[1]))
            node = None if inner is None else (_ONE, _plus(inner[1], _ONE))
        elif op == sre.BRANCH:
            branches = [_steps(list(branch)) for branch in value[1]]
            node = None if None in branches else (_plus(*(b[0] for b in branches)),
                                                  _plus(_ONE, *(b[1] for b in branches)))
        elif op in REPEATS:
            node = _repeat_steps(op, *value)
        else:
            return None
        if node is None:
            return None
        work = _plus(work, _times(ends, node[1]))
        ends = _times(ends, node[0])
    return ends, _plus(work, _times(ends, (float(plain),)))


def _repeat_steps(op: int, low: int, high: int, body: list) -> tuple[Polynomial, Polynomial] | None:
    inner = _steps(list(body))
    if inner is None:
        return None
    ends, work = inner
    if high <= 1:  # possessive, it is left one way, as it is entered
        return (_ONE if op == POSSESSIVE_REPEAT else _plus(ends, (float(low == 0),))), _plus(work, _ONE)
    if ends != _ONE:  # several ways each time round multiply with the times round: exponential
        return None
    if high <= _FEW:
        times, ways = (float(high),), (float(high - low + 1),)
    else:  # each time round past ``low`` takes a character (one that takes none ends the repeat), but the
        # first ``low`` are made even by a body that matches nothing
        times, ways = _plus(_X, (float(low),)), _plus(_X, (float(low == 0),))
    # each time round costs a step at least, even for a body that takes none itself, such as ``()``
    return (_ONE if op == POSSESSIVE_REPEAT else ways), _plus(_times(times, _plus(work, _ONE)), ways)


def _plus(*polynomials: Polynomial) -> Polynomial:
    width = max(map(len, polynomials))
    return tuple(sum(p[i] for p in polynomials if i < len(p)) for i in range(width))


def _times(left: Polynomial, right: Polynomial) -> Polynomial:
    product = [0.0] * max(0, len(left) + len(right) - 1)
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            product[i + j] += a * b
    return tuple(product)


def nested_quantifiers(pattern: str) -> bool:
    """Whether an unbounded repeat contains another unbounded repeat, as in ``(a+)+``: the shape that
    most often backtracks catastrophically, for ``rules lint`` to warn of. Patterns that only the
    ``regex`` module reads are not judged (False)."""
    tree = parse(pattern)

    def walk(items, inside_unbounded: bool) -> bool:
        for op, arg in items:
            if op in REPEATS:
                unbounded = arg[1] == sre.MAXREPEAT
                if (unbounded and inside_unbounded) or walk(arg[2], inside_unbounded or unbounded):
                    return True
            elif op == sre.SUBPATTERN:
                if walk(arg[-1], inside_unbounded):
                    return True
            elif op == sre.BRANCH:
                if any(walk(branch, inside_unbounded) for branch in arg[1]):
                    return True
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                if walk(arg[1], inside_unbounded):
                    return True
        return False

    return tree is not None and walk(tree, False)
