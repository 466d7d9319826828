"""The one ``denchi`` command: ``denchi <group> <command> [options]``.

Each group is a module with ``HELP`` (one line) and ``configure(parser)``, which adds the
group's commands and sets ``func`` (called with the parsed arguments, returns an exit code).
Adding a group is one line in ``GROUPS``; a group's module is imported only when it is used.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from denchi.i18n import bilingual

GROUPS = {
    "grade": "denchi.grading.commands",  # nbgrader course: generate, collect, autograde, export
    "lms": "denchi.lms.cli",  # the LTI 1.3 tool: init, serve, worker, registration, ...
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="denchi",
        description=bilingual("電池人材育成オープン教材のコマンド", "Courseware tools"),
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")
    chosen = [argv[0]] if argv and argv[0] in GROUPS else list(GROUPS)
    for name in chosen:
        module = importlib.import_module(GROUPS[name])
        module.configure(groups.add_parser(name, help=module.HELP, description=module.HELP))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
