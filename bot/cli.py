"""`infopoint`: ask a question from the command line, or run the service."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    print("not yet")
    return 1


if __name__ == "__main__":
    sys.exit(main())
