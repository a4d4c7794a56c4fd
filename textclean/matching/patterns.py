"""Many rules' patterns as one combined regex, each match under a time budget, reporting which rule matched.

The budget is per document (:func:`document_budget`): all the matches of one document
that are not proven to end in time (:func:`textclean.matching.backtracking.free_length`) share
:func:`budget` seconds of wall time. In the main thread one watchdog per document, a
timer (SIGALRM, armed once), stops the running match when that time is spent; a match
then takes no ``timeout`` of its own, which would cost ``regex`` two reads of the
processor clock (system calls) on every call. Elsewhere (another thread, a timer
already in use) each match is given what is left as its ``timeout``, which ``regex``
counts in processor time. Matches proven to end in time read no clock at all.
"""
from __future__ import annotations

import pickle
import signal
import threading
from collections.abc import Sequence
from functools import cached_property
from time import perf_counter
from typing import Any
from weakref import WeakSet

import regex

from ..model.kind import MATCH_SECONDS_PER_MB, MATCH_TIMEOUT, Rule, RuleError, RuleTimeout, compile_pattern
from .backtracking import free_length
from .keywords import fold_case, line_keywords, match_lengths
from .memo import remember
from .re_tree import balanced, left_recursive, numbered_reference, readable

#: What waits for its first use to compile: objects with a ``compile()`` method (:func:`compile_later`).
_UNCOMPILED: WeakSet[Any] = WeakSet()


def budget(text: str) -> float:
    """Seconds the matches on ``text`` may take: enough for any linear scan, not for runaway backtracking."""
    return MATCH_TIMEOUT + MATCH_SECONDS_PER_MB * len(text) / 1e6


class _Late(TimeoutError):
    """Raised by the timer's signal handler inside a match that ran past its document's budget."""


class Budget:
    """Seconds of wall time left to the matches of one document, and the match running now, if any.

    Use it as a context manager around one match: entering gives the seconds left (raising
    TimeoutError when none are), leaving counts the time the match took. Entering the budget of the
    document being cleaned in the main thread arms the watchdog timer (:attr:`timer`) for the seconds left.
    """

    __slots__ = ("seconds", "spent", "started", "timer")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.spent = 0.0
        self.started: float | None = None  # when the running match began
        self.timer = False  # whether this budget armed the SIGALRM timer

    def __enter__(self) -> float:
        left = self.seconds - self.spent
        if left <= 0:
            raise TimeoutError
        if not self.timer and getattr(_current, "budget", None) is self and _timer_usable():
            signal.setitimer(signal.ITIMER_REAL, left)
            self.timer = True
        self.started = perf_counter()
        return left

    def __exit__(self, *exc: object) -> None:
        started, self.started = self.started, None
        self.spent += perf_counter() - started

    def stop_timer(self) -> None:
        if self.timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.timer = False


_current = threading.local()  # .budget: the Budget of the document being cleaned in this thread
_MAIN = threading.main_thread().ident


def current_budget(text: str) -> Budget:
    """The budget of the document being cleaned in this thread, or one for ``text`` alone outside a document."""
    return getattr(_current, "budget", None) or Budget(budget(text))


class document_budget:  # noqa: N801 - used as a function: ``with document_budget(text):``
    """The matches inside the ``with`` block share :func:`budget` of ``text`` (or ``seconds``)."""

    def __init__(self, text: str = "", seconds: float | None = None):
        self.budget = Budget(budget(text) if seconds is None else seconds)

    def __enter__(self) -> Budget:
        self.outer = getattr(_current, "budget", None)
        _current.budget = self.budget
        return self.budget

    def __exit__(self, *exc: object) -> None:
        self.budget.stop_timer()
        _current.budget = self.outer
        if self.outer is not None and self.outer.timer:  # this budget's timer replaced it: armed again when next used
            self.outer.timer = False


def _on_alarm(signum: int, frame: Any) -> None:
    """The timer went off: stop the running match if the document's matches have spent their budget; else (the
    time went to other work) set the timer again for what is left."""
    spending = getattr(_current, "budget", None)
    if spending is None or not spending.timer:
        return
    running = spending.started
    spent = spending.spent + (perf_counter() - running if running is not None else 0.0)
    if spent < spending.seconds:
        signal.setitimer(signal.ITIMER_REAL, spending.seconds - spent)
    elif running is not None:
        raise _Late


def _timer_usable() -> bool:
    """Whether the SIGALRM timer may be used: in the main thread, with no other handler and no timer of its own."""
    if threading.get_ident() != _MAIN:
        return False
    handler = signal.getsignal(signal.SIGALRM)
    if handler is _on_alarm:
        return True
    if handler != signal.SIG_DFL or signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0):
        return False
    signal.signal(signal.SIGALRM, _on_alarm)
    return True


def timed(match: Any, text: str, *args: Any, free: int = -1) -> Any:
    """``match(text, *args)`` under the document's budget: stopped by its watchdog timer where one is armed, else
    given ``timeout=`` the seconds left; with no timeout at all where ``text`` is no longer than ``free``
    (:func:`free_length`). Raises TimeoutError when the budget is spent."""
    if len(text) <= free:
        return match(text, *args)
    spending = current_budget(text)
    with spending as left:
        return match(text, *args) if spending.timer else match(text, *args, timeout=left)


def refuse_unusable_groups(rule: Rule, pattern: str, key: str = "pattern") -> None:
    """Raise RuleError for a group referred to by its number (patterns are combined, which numbers groups anew),
    and for a group that calls itself before it matches a character (``regex`` would run out of memory)."""
    looping = left_recursive(pattern)
    if looping:
        raise RuleError.of(rule, f"{key} calls the group {looping!r} from inside itself before it matches a "
                           "character (left recursion), which never ends: match a character before the call", key)
    reference = numbered_reference(pattern)
    if reference in ("(?R)", "(?0)"):
        raise RuleError.of(rule, f"{key} calls the whole pattern ({reference}), but patterns are combined, which makes "
                           "the whole another: put it in a named group, (?P<name>...), and call that as (?&name)", key)
    if reference:
        call = reference[:2] == "(?" and reference[2] != "("
        raise RuleError.of(rule, f"{key} refers to a group by its number ({reference}), but patterns are combined, "
                           "which numbers groups anew: name the group, (?P<name>...), and "
                           + ("call it as (?&name)" if call else "refer to it as (?P=name)"), key)


def compile_all() -> None:
    """Compile every pattern that waits for its first use: before a process forks workers, which then
    share the compiled patterns instead of each compiling its own, and before compiled rules are cached."""
    for waiting in list(_UNCOMPILED):
        _UNCOMPILED.discard(waiting)
        waiting.compile()


def compile_later(waiting: Any) -> None:
    """Have :func:`compile_all` call ``waiting.compile()``, unless it is gone by then."""
    _UNCOMPILED.add(waiting)


def _gate(pattern: str) -> tuple[float, float, tuple[str, ...] | None]:
    """The shortest and longest text ``pattern`` matches, and the starts such a text has (case-folded), if known."""
    keywords = line_keywords(pattern)
    anchored = keywords and all(keyword.startswith("\n") for keyword in keywords)
    return (*match_lengths(pattern), tuple(fold_case(k.strip("\n")) for k in keywords) if anchored else None)


class PatternSet:
    """An alternation of ``(rule, pattern)`` pairs that reports which rule matched.

    A pattern that runs past its budget (:func:`budget`) raises :class:`RuleTimeout`
    naming the rule whose pattern is at fault. ``named_lists`` are the word
    lists that ``\\L<name>`` in the patterns refers to. A pattern that does not
    compile is reported against its rule, as its ``key``. Where a bound on backtracking proves a
    pattern ends in time (:func:`textclean.matching.backtracking.free_length`), it runs
    without a timeout.

    The alternation, and what the patterns are read for (their lengths, starts and backtracking bound), are
    made when first used, or all at once by :func:`compile_all`: before worker processes fork, and before
    compiled rules are cached. Pickled, the set keeps them, the alternation as its compiled code, which is
    made a pattern again when first used (``regex`` does that without parsing the pattern anew).
    """

    def __init__(self, entries: Sequence[tuple[Rule, str]], flags: int = 0,
                 named_lists: dict[str, Any] | None = None, key: str = "pattern", checked: bool = False):
        self.rules = [rule for rule, _ in entries]
        self._patterns = [pattern for _, pattern in entries]
        self._flags, self._named_lists, self._key = flags, named_lists, key
        for rule, pattern in entries if not checked else ():  # ``checked``: the caller has made sure they compile
            refuse_unusable_groups(rule, pattern, key)
            if not self._sure_to_compile(pattern):
                compile_pattern(rule, pattern, key, flags, named_lists)
        self._answers: dict[str, bool] = {}  # text -> fullmatches(text)
        self._code: bytes | None = None  # the alternation as pickled once compiled elsewhere (__getstate__)
        compile_later(self)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__, _answers={})
        if "_combined" in state:
            state["_code"] = pickle.dumps(state.pop("_combined"), pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        compile_later(self)

    def compile(self) -> None:
        """Make now what is otherwise made when first used."""
        self._gates, self._longest_start, self._free, self._bounds, self._combined  # noqa: B018 - made when read

    def _sure_to_compile(self, pattern: str) -> bool:
        """Whether ``pattern`` compiles, alone and among the others, so that compiling it can wait for its
        first use (sparing a short run the compiling of rules it never needs): ``re``'s parser reads it,
        so it refers to no group outside itself, and no group breaks out of it."""
        return self._flags == 0 and balanced(pattern) and readable(pattern)

    @cached_property
    def _combined(self) -> regex.Pattern | None:
        """The alternation, compiled when first used (which ends the set's wait, even when it does not compile)."""
        _UNCOMPILED.discard(self)
        if self._code is not None:
            code, self._code = self._code, None
            return pickle.loads(code)
        branches = "|".join(f"(?P<_r{index}>{pattern})" for index, pattern in enumerate(self._patterns))
        if not branches:
            return None
        if len(self.rules) == 1:
            return compile_pattern(self.rules[0], branches, self._key, self._flags, self._named_lists)
        try:
            return regex.compile(branches, self._flags, ignore_unused=True, **(self._named_lists or {}))
        except regex.error as exc:
            for rule, pattern in zip(self.rules, self._patterns, strict=True):
                compile_pattern(rule, pattern, self._key, self._flags, self._named_lists)
            raise RuleError.of(self.rules[0], f"{self._key} does not compile among the others: {exc}",
                               self._key) from None

    def __bool__(self) -> bool:
        return bool(self._patterns)

    def fullmatch(self, text: str) -> tuple[Rule, regex.Match] | None:
        """The first rule whose pattern matches all of ``text``."""
        return self._first("fullmatch", text)

    def fullmatches(self, text: str) -> bool:
        """Whether some rule's pattern matches all of ``text``: :meth:`fullmatch` without naming the rule."""
        answer = self._answers.get(text)
        if answer is not None:
            return answer
        shortest, longest = self._bounds
        if self._combined is None or not shortest <= len(text) <= longest:  # a text no pattern can fit
            return False
        try:  # arguments by position: the keyword form costs a quarter more on every line tried
            answer = (self._combined.fullmatch(text) if len(text) <= self._free
                      else timed(self._combined.fullmatch, text)) is not None
        except TimeoutError:
            raise self._culprit(text, "fullmatch") from None
        remember(self._answers, text, answer)
        return answer

    @cached_property
    def _gates(self) -> list[tuple[float, float, tuple[str, ...] | None]]:
        """Per pattern: the shortest and longest text it matches, and the starts such a text has (case-folded)."""
        return [_gate(pattern) for pattern in self._patterns]

    @cached_property
    def _longest_start(self) -> int:
        return max((len(start) for *_, starts in self._gates for start in starts or ()), default=0)

    @cached_property
    def _free(self) -> int:
        """The longest text a match or full match runs on without a timeout (:func:`free_length`)."""
        return free_length(tuple(self._patterns)) if self._flags == 0 else -1

    @cached_property
    def _bounds(self) -> tuple[float, float]:
        if not self._gates:
            return 0, 0
        return min(gate[0] for gate in self._gates), max(gate[1] for gate in self._gates)

    def may_fullmatch(self, text: str) -> bool:
        """A cheap first test: False when no pattern can match all of ``text`` (too short, too long, a wrong start).

        For texts no keyword search has picked; :meth:`fullmatches` gives the answer. Both remember
        the texts they rule out.
        """
        answer = self._answers.get(text)
        if answer is not None:
            return answer
        folded = None
        for shortest, longest, starts in self._gates:
            if shortest <= len(text) <= longest:
                if starts is None:
                    return True
                if folded is None:  # folding never shortens a text: its start is enough to fold
                    folded = fold_case(text[:self._longest_start])
                if folded.startswith(starts):
                    return True
        remember(self._answers, text, False)
        return False

    def match(self, text: str) -> tuple[Rule, regex.Match] | None:
        """The first rule whose pattern matches at the start of ``text``."""
        return self._first("match", text)

    def _first(self, method: str, text: str) -> tuple[Rule, regex.Match] | None:
        if self._combined is None:
            return None
        try:
            match = timed(getattr(self._combined, method), text, free=self._free)
        except TimeoutError:
            raise self._culprit(text, method) from None
        return (self._rule_of(match), match) if match else None

    def _rule_of(self, match: regex.Match) -> Rule:
        name = match.lastgroup
        if not (name and name.startswith("_r")):
            name = next(f"_r{i}" for i in range(len(self.rules)) if match.group(f"_r{i}") is not None)
        return self.rules[int(name[2:])]

    def _culprit(self, text: str, method: str) -> RuleTimeout:
        """The timeout naming the rule whose pattern alone runs past half the document's budget (all the set's
        rules when none does, or the search runs out of that half)."""
        seconds = current_budget(text).seconds
        if len(self.rules) > 1:
            with document_budget(seconds=seconds / 2):
                for rule, pattern in zip(self.rules, self._patterns, strict=True):
                    single = regex.compile(pattern, self._flags, ignore_unused=True, **(self._named_lists or {}))
                    try:
                        timed(getattr(single, method), text)
                    except TimeoutError:
                        return RuleTimeout(rule.id, seconds)
        return RuleTimeout(", ".join(rule.id for rule in self.rules), seconds)
