"""Run textclean from a checkout: ``python cli.py ...`` is ``textclean ...``."""
from textclean.cli import main

if __name__ == "__main__":
    main()
