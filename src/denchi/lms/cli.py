"""Run and administer the LTI 1.3 tool: ``denchi lms init|serve|worker|info|cartridge|...``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from denchi.i18n import bilingual
from denchi.lms.config import (
    DEFAULT_CONFIG_NAME,
    ConfigError,
    load_config,
    make_config,
    write_default_config,
)

HELP = bilingual("LMS と結ぶ LTI 1.3 ツールを動かす", "Run and administer the LTI 1.3 tool")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``denchi lms`` subcommands and their options to ``parser``.

    Args:
        parser: The ``lms`` subparser of the ``denchi`` command line.
    """
    parser.set_defaults(func=run)
    parser.add_argument(
        "--config", type=Path, default=Path(DEFAULT_CONFIG_NAME), help="configuration file"
    )
    # --config is accepted after the command too (`denchi lms serve --config FILE`)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="configuration file")
    common.add_argument(
        "--new-keys",
        action="store_true",
        help="start over with a new database and signing key when the tool's database is"
        " missing (every LMS must register the tool again)",
    )
    sub = parser.add_subparsers(dest="lms_command", required=True)

    def add(name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    init = add("init", help="write a configuration file with defaults")
    init.add_argument("--base-url", default="http://localhost:8765")
    init.add_argument("--book-url", default="http://localhost:8000")
    serve = add("serve", help="run the web service (and, embedded, its worker)")
    serve.add_argument("--host", default=argparse.SUPPRESS, help="address to listen on")
    serve.add_argument("--port", type=int, default=argparse.SUPPRESS, help="port to listen on")
    worker = add("worker", help="run grading and score delivery jobs (procrastinate)")
    worker.add_argument("--concurrency", type=int, default=1)
    worker.add_argument("--once", action="store_true", help="stop when the queue is empty")
    add("info", help="print the URLs to enter in an LMS's manual tool configuration")
    reg = add("registration-url", help="a one-time dynamic-registration URL")
    reg.add_argument("--hours", type=float, default=72)
    manual = add("add-platform", help="register an LMS manually")
    manual.add_argument("--issuer", required=True, help="platform ID / issuer (Moodle: site URL)")
    manual.add_argument("--client-id", required=True)
    manual.add_argument("--login-url", required=True, help="authentication request URL")
    manual.add_argument("--token-url", required=True, help="access token URL")
    manual.add_argument("--jwks-url", required=True, help="public keyset URL")
    manual.add_argument("--deployment-id", action="append", default=[], required=True)
    manual.add_argument("--name", default="")
    manual.add_argument("--token-audience", default=None)
    add("platforms", help="list registered LMSs and deployments")
    add(
        "schools",
        help="per registered LMS (school): courses, people, grading queue, scores not yet"
        " delivered, last submission",
    )
    add("rotate-keys", help="make a new signing key (the old one stays published)")
    add(
        "migrate",
        help="upgrade the database schema (PostgreSQL: after pg_dump; SQLite: backed up first)",
    )
    cartridge = add(
        "cartridge",
        help="write the course (tracks, modules, pages, assignments) as an IMS Common Cartridge"
        " file to import into the LMS",
    )
    cartridge.add_argument(
        "--book-url", help="where the student edition is served (default: book_url of --config)"
    )
    cartridge.add_argument("--tool-url", help="the tool's address (default: base_url of --config)")
    cartridge.add_argument("-o", "--output", type=Path, default=Path("denchi.imscc"))


def _runtime(args):
    from denchi.lms.runtime import Runtime

    overrides = {key: getattr(args, key) for key in ("host", "port") if hasattr(args, key)}
    rt = Runtime(load_config(args.config, **overrides), new_keys=args.new_keys)
    if rt.schema.backup is not None:  # an SQLite database upgraded at start
        print(rt.schema.describe(), file=sys.stderr)
    return rt


def _migrate(args: argparse.Namespace) -> None:
    """``denchi lms migrate``: the schema upgrade, PostgreSQL's included (the operator has
    stopped the tool and backed up); prints the revisions from and to, and the SQLite backup.

    Raises:
        ConfigError, ToolStateError: as at a start (a data folder that cannot be used, a
            lost database, a refused schema).
    """
    from denchi.lms.instance import lost_database
    from denchi.lms.runtime import data_folder
    from denchi.lms.schema import prepare_schema
    from denchi.lms.store import Database

    config = load_config(args.config)
    data_folder(config)
    if refusal := lost_database(config.data_dir, config.sqlite_path):
        raise refusal
    db = Database(config.database_url)
    try:
        report = prepare_schema(db, config.data_dir, config.sqlite_path, explicit=True)
    finally:
        db.dispose()
    print(report.describe())


def _cartridge(args: argparse.Namespace) -> None:
    """``denchi lms cartridge``: the course cartridge (:mod:`denchi.lms.cartridge`) of the
    courseware checkout, written to ``--output`` whole or not at all; the URLs the command line
    does not give come from the configuration file.

    Raises:
        ConfigError: a URL is missing and the configuration file is missing or wrong, or the
            catalog cannot be read.
        CartridgeError: a URL is unusable, or the file cannot be written (bilingual).
        CatalogError: a page of the courseware has no title (bilingual).
    """
    from denchi.lms.cartridge import CartridgeError, build
    from denchi.lms.runtime import courseware_catalog

    config = make_config()
    if args.book_url is None or args.tool_url is None:
        if not args.config.is_file():
            raise CartridgeError(
                bilingual(
                    f"--book-url と --tool-url を指定するか、設定ファイル {args.config} を"
                    "用意してください（--config で場所を指定できます）。",
                    f"Give --book-url and --tool-url, or a configuration file {args.config}"
                    " (--config names it).",
                )
            )
        config = load_config(args.config)
    book_url = config.book_url if args.book_url is None else args.book_url
    tool_url = config.base_url if args.tool_url is None else args.tool_url
    root, catalog = courseware_catalog(config)
    data, outline = build(catalog, root, book_url=book_url, tool_url=tool_url)
    output: Path = args.output
    partial = output.with_name(output.name + ".part")
    try:
        partial.write_bytes(data)
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CartridgeError(
            bilingual(
                f"{output} に書き込めません（{exc.strerror}）。-o で書き込める場所を指定して"
                "ください。",
                f"Cannot write {output} ({exc.strerror}); give a writable place with -o.",
            )
        ) from exc
    print(
        f"{output} を書きました（単元 {outline.modules}、ページ {outline.pages}、課題"
        f" {outline.assignments}）。Moodle ではコースの「リストア」で読み込みます。"
        f" / wrote {output} ({outline.modules} modules, {outline.pages} pages,"
        f" {outline.assignments} assignments); in Moodle, restore it into a course."
    )


def _info(rt) -> None:
    url = rt.config.url
    print("LMS に入力する値 / values for the LMS's manual tool configuration:")
    for label, value in [
        ("Tool URL / ツール URL", url("/lti/launch")),
        ("Initiate login URL / ログイン開始 URL", url("/lti/login")),
        ("Redirection URI(s) / リダイレクト URI", url("/lti/launch")),
        ("Public keyset URL / 公開鍵セット URL", url("/lti/jwks")),
        ("Public key type / 公開鍵のタイプ", "Keyset URL"),
        ("Deep linking / ディープリンク", "on / 有効"),
    ]:
        print(f"  {label}: {value}")


def _serve(rt) -> None:
    import uvicorn

    from denchi.lms import logs
    from denchi.lms.jobs import EmbeddedQueue
    from denchi.lms.web import create_app

    embedded = isinstance(rt.queue, EmbeddedQueue)
    if embedded:  # refused before listening if another process serves the folder
        rt.queue.lock.acquire()
    try:
        uvicorn.run(
            create_app(rt),
            host=rt.config.host,
            port=rt.config.port,
            proxy_headers=True,
            log_level="info",
            log_config=logs.logging_config(),  # JSON lines, uvicorn's loggers included
        )
    finally:
        if embedded:
            rt.queue.lock.release()


def run(args: argparse.Namespace) -> int:
    """Run one ``denchi lms`` subcommand; returns the exit status: 0, or 2 after printing a
    refused configuration (a wrong setting, a data folder that cannot be used, a courseware
    checkout without a readable catalog), tool state or schema, a missing sandbox, a refused
    ``add-platform`` or ``cartridge`` (bilingual, on standard error, without a traceback).

    Args:
        args: The parsed command line (:func:`configure`).
    """
    from denchi.catalog import CatalogError
    from denchi.lms.cartridge import CartridgeError
    from denchi.lms.instance import ToolStateError

    try:
        if args.lms_command == "init":
            path = write_default_config(args.config, args.base_url, args.book_url)
            print(f"{path} を作りました / wrote {path}")
            return 0
        if args.lms_command == "migrate":
            _migrate(args)
            return 0
        if args.lms_command == "cartridge":
            _cartridge(args)
            return 0
        rt = _runtime(args)
    except (ConfigError, ToolStateError, CartridgeError, CatalogError) as exc:
        print(exc, file=sys.stderr)
        return 2
    command = args.lms_command
    if command in ("serve", "worker") and not rt.config.allow_unsandboxed_grading:
        from denchi.grading.errors import GradingError
        from denchi.grading.pipeline import require_sandbox

        try:
            require_sandbox("allow_unsandboxed_grading = true")
        except GradingError as exc:
            print(exc, file=sys.stderr)
            return 2
    if command == "serve":
        try:
            _serve(rt)
        except ToolStateError as exc:
            print(exc, file=sys.stderr)
            rt.close()
            return 2
    elif command == "worker":
        if rt.config.queue != "procrastinate":
            print(
                'worker は queue = "procrastinate" のときに使います（embedded ではサーバーの中で'
                '採点します）。 / The worker is for queue = "procrastinate".',
                file=sys.stderr,
            )
            return 2
        from denchi.lms import logs

        logs.configure()  # JSON lines on standard error
        rt.queue.run_worker(concurrency=args.concurrency, wait=not args.once)
    elif command == "info":
        _info(rt)
    elif command == "registration-url":
        from denchi.lms.registration import registration_url

        print(registration_url(rt.db, rt.config, args.hours))
    elif command == "add-platform":
        from denchi.lms.registration import RegistrationError, add_platform

        try:
            add_platform(
                rt.db,
                issuer=args.issuer,
                client_id=args.client_id,
                login_url=args.login_url,
                token_url=args.token_url,
                jwks_url=args.jwks_url,
                deployment_ids=args.deployment_id,
                name=args.name,
                token_audience=args.token_audience,
            )
        except RegistrationError as exc:
            print(exc, file=sys.stderr)
            return 2
        print(f"登録しました / registered: {args.issuer} ({args.client_id})")
    elif command == "platforms":
        from sqlalchemy import select

        from denchi.lms.models import Platform

        with rt.db.session() as s:
            for p in s.scalars(select(Platform)):
                deployments = ", ".join(d.deployment_id for d in p.deployments) or "-"
                print(f"{p.issuer}\tclient_id={p.client_id}\tdeployments={deployments}")
    elif command == "schools":
        from denchi.lms.schools import activity, table

        print(table(activity(rt.db)))
    elif command == "rotate-keys":
        print(f"新しい鍵 / new key: {rt.keys.rotate()}")
    rt.close()
    return 0
