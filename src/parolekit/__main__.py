"""`python -m parolekit`."""

from .cli import main

main()
