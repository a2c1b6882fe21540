"""`python -m narcolex` is the same as the `narcolex` command."""

from narcolex.cli import main

main()
