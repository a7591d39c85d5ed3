"""``glofwatch serve`` and ``glofwatch user ...``: thin command functions registered in :mod:`glofwatch.cli`."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.console import Console

user_app = typer.Typer(help="Console users (people who log in; station tokens are separate).", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

SiteOpt = Annotated[str | None, typer.Option("--site", "-s", help="Site directory or site.yaml; default: the bundled demo site.")]
DbOpt = Annotated[str | None, typer.Option("--database", "-d", help="SQLite file or postgresql://... URL; "
                                           "default: $GLOFWATCH_DATABASE_URL, then a file in the user data folder.")]
PASSWORD_ENV = "GLOFWATCH_PASSWORD"


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


def _accounts(database: str | None):  # type: ignore[no-untyped-def]
    from glofwatch.clock import SystemClock
    from glofwatch.console.auth import Accounts
    from glofwatch.errors import GlofwatchError
    from glofwatch.store import open_store

    try:
        return Accounts(open_store(database).engine, SystemClock())
    except GlofwatchError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(2) from e


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help="viewer (read), operator (alerts, drills), admin (also users).")] = "viewer",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
    database: DbOpt = None,
) -> None:
    """Create a console user. The password is asked twice (or read from stdin / $GLOFWATCH_PASSWORD)."""
    from glofwatch.errors import GlofwatchError

    acc = _accounts(database)
    try:
        u = acc.add_user(name, _password(password_stdin), role)
    except GlofwatchError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(2) from e
    console.print(f"user [bold]{u.username}[/bold] created with role {u.role}")


@user_app.command("passwd")
def user_passwd(name: str, password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
                database: DbOpt = None) -> None:
    """Set a user's password; their open sessions are logged out."""
    from glofwatch.errors import GlofwatchError

    try:
        _accounts(database).set_password(name, _password(password_stdin))
    except GlofwatchError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(2) from e
    console.print(f"password of {name} changed")


@user_app.command("list")
def user_list(database: DbOpt = None) -> None:
    """The console users and their roles."""
    for u in _accounts(database).users():
        console.print(f"{u['username']:<24} {u['role']:<9} {'disabled' if u['disabled'] else ''}")


def serve(
    port: Annotated[int, typer.Option(help="TCP port.")] = 8080,
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    site: SiteOpt = None,
    database: DbOpt = None,
    channel: Annotated[list[str] | None, typer.Option(help="Delivery channel URL (repeat); see docs/warnings.md.")] = None,
    secure_cookies: Annotated[bool, typer.Option(help="Mark the session cookie Secure (when served over HTTPS).")] = False,
    public_url: Annotated[str, typer.Option(help="Public base URL for links in the CAP feed.")] = "",
    demo: Annotated[bool, typer.Option(help="First store a simulated quiet day of every station (ending now).")] = False,
    access_log: Annotated[bool, typer.Option(help="Log every HTTP request (actions are in the audit log either way).")] = False,
    detect: Annotated[bool, typer.Option("--detect/--no-detect",
                                         help="Live detection on HTTP-ingested readings; decisions become alerts.")] = True,
) -> None:
    """Serve the API (/api/v1, OpenAPI at /openapi.json), the CAP feed (/cap/feed.atom) and the web console (/)."""
    import uvicorn

    from glofwatch.console.app import create_app
    from glofwatch.errors import GlofwatchError
    from glofwatch.site import load_site
    from glofwatch.store import open_store

    try:
        s, st = load_site(site), open_store(database)
    except GlofwatchError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(2) from e
    if demo:
        from datetime import UTC, datetime

        from glofwatch.console.demo import seed_quiet_day

        rep = seed_quiet_day(s, st, datetime.now(UTC))
        console.print(f"demo: stored {rep.accepted} simulated readings of the last 24 h")
    app = create_app(s, st, channels=channel or (), secure_cookies=secure_cookies, public_base_url=public_url, detect=detect)
    if not app.state.console.accounts.users():
        err.print("[yellow]no console users yet:[/yellow] create one with `glofwatch user add NAME --role operator`")
    console.print(f"glofwatch console for [bold]{s.id}[/bold] on http://{host}:{port}/ "
                  f"(database {st.engine.url.render_as_string(hide_password=True)})")
    hub = app.state.console.hub

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: object) -> None:
            hub.close_threadsafe()  # end the live streams (SSE) first, or they hold the graceful shutdown
            super().handle_exit(sig, frame)  # type: ignore[arg-type]

    Server(uvicorn.Config(app, host=host, port=port, log_level="info", proxy_headers=False, access_log=access_log,
                          timeout_graceful_shutdown=5)).run()
