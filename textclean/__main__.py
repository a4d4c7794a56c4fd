"""``python -m textclean`` is the ``textclean`` command."""
from .cli import entry

entry()
