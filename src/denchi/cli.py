"""The one ``denchi`` command; each sub-command lives in its own module and adds itself here.

denchi lms ...     the LTI 1.3 tool (see ``denchi lms --help``)
"""

from __future__ import annotations

import argparse
import sys

# sub-command name -> module with ``add_arguments(parser)`` and ``run(args) -> int``
SUBCOMMANDS = {
    "lms": "denchi.lms.cli",
}


def main(argv: list[str] | None = None) -> None:
    import importlib

    parser = argparse.ArgumentParser(prog="denchi", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name, module_name in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(sub.add_parser(name, help=module.__doc__.splitlines()[0]))
        modules[name] = module
    args = parser.parse_args(argv)
    sys.exit(modules[args.command].run(args))


if __name__ == "__main__":
    main()
