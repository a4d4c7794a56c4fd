"""Run textclean from a checkout: ``python cli.py ...`` is ``textclean ...``."""
from textclean.cli import entry

if __name__ == "__main__":
    entry()
