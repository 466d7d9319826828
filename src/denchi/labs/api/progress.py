"""Progress bars for long runs (aging, sweeps) that never write to a notebook's stderr.

In a Jupyter kernel the bar is one text output updated in place (``display_id``): it works
in JupyterLab, and when the book executes a page the saved output is the finished bar, with
no widget JavaScript and nothing on stderr (which would fail the book build). In a terminal
the bar is tqdm's, and only when stderr is a terminal; otherwise (scripts, CI) nothing is
shown.
"""

from __future__ import annotations

import sys
import time
from typing import Any

_MIN_INTERVAL_S = 0.5


def _in_kernel() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ipython = shell.get_ipython()
    return ipython is not None and type(ipython).__name__ == "ZMQInteractiveShell"


class Progress:
    """``with Progress(total, "エージング試験") as bar: ... bar.update(n)``."""

    def __init__(self, total: int, description: str, unit: str = "cycle", note: str = "") -> None:
        """``note`` (e.g. the expected duration) is shown once, above the bar."""
        self.total = total
        self.description = description
        self.unit = unit
        self._start = time.monotonic()
        self._shown = 0.0
        self._handle: Any = None
        self._tqdm: Any = None
        if _in_kernel():
            from IPython.display import Pretty, display

            if note:
                display(Pretty(note))
            self._handle = display(self._pretty(0), display_id=True)
        elif sys.stderr is not None and sys.stderr.isatty():
            from tqdm import tqdm

            if note:
                tqdm.write(note, file=sys.stderr)
            self._tqdm = tqdm(total=total, desc=description, unit=unit)

    def _pretty(self, n: int) -> Any:
        from IPython.display import Pretty
        from tqdm import tqdm

        elapsed = time.monotonic() - self._start
        bar = tqdm.format_meter(n, self.total, elapsed, prefix=self.description, unit=self.unit)
        return Pretty(bar)

    def update(self, n: int) -> None:
        """Show that ``n`` of ``total`` are done.

        Args:
            n: How many are done so far (not an increment).
        """
        now = time.monotonic()
        if self._handle is not None and (now - self._shown >= _MIN_INTERVAL_S or n >= self.total):
            self._handle.update(self._pretty(n))
            self._shown = now
        if self._tqdm is not None:
            self._tqdm.update(n - self._tqdm.n)

    def close(self, n: int) -> None:
        """Show the final count (also when stopped early) and release the bar.

        Args:
            n: How many were done in the end.
        """
        if self._handle is not None:
            self._handle.update(self._pretty(n))
        if self._tqdm is not None:
            self._tqdm.update(n - self._tqdm.n)
            self._tqdm.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tqdm is not None:
            self._tqdm.close()
