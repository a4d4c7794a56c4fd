"""textclean: declarative, auditable cleaning of scraped text.

>>> from textclean import Cleaner
>>> result = Cleaner().clean("News ID: 123\\nThe council met on Monday.\\n")
>>> result.text, result.metadata["news_id"]
('The council met on Monday.\\n', '123')
"""
from .model.document import Edit, Finding, Result, replay, undo
from .model.kind import Rule, RuleError, RuleTimeout
from .model.marks import Mark, apply_marks
from .pipeline.engine import Cleaner, clean
from .pipeline.rulefile import RuleSet, load_rules, parse_rule_file

__all__ = [
    "Cleaner", "Edit", "Finding", "Mark", "Result", "Rule", "RuleError", "RuleSet", "RuleTimeout",
    "apply_marks", "clean", "load_rules", "parse_rule_file", "replay", "undo",
]
__version__ = "0.1.0"
