"""``parallax serve``: the web UI and HTTP API over a store."""

import ipaddress
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    from parallax.cli import DbOption, err, friendly, out

    @app.command()
    @friendly
    def serve(
        db: DbOption = None,
        host: Annotated[
            str, typer.Option(help="Address to listen on; loopback unless you mean to share.")
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        token: Annotated[
            str | None,
            typer.Option(envvar="PARALLAX_TOKEN", help="Accept new articles from clients sending this token "
                         "(Authorization: Bearer TOKEN); without it the server is read-only."),
        ] = None,
        warm: Annotated[
            bool, typer.Option(help="Compare every story before serving, so no page waits for one.")
        ] = False,
    ) -> None:
        """Serve the web UI (stories, coverage matrices, articles, outlets, entities) and the JSON
        API (OpenAPI at /docs) over the store."""
        from parallax.store import default_db_path

        path = Path(db) if db is not None else default_db_path()
        if not _loopback(host):
            who = "anyone who can reach it can read the store" if token is None else (
                "the token travels in clear text without TLS; put a TLS proxy in front")
            err.print(f"[yellow]warning:[/] serving on {host}, not loopback: {who}", highlight=False)
        if warm:
            from parallax.compare.api import warm_comparisons
            from parallax.store import Store

            with Store(path) as store:
                out.print(f"compared {warm_comparisons(store)} stories")
        import uvicorn

        from parallax.web import create_app

        web = create_app(path, token=token)
        shown = f"[{host}]" if ":" in host else host
        out.print(f"Serving {path} at http://{shown}:{port}/ ({'read-write' if token else 'read-only'}); "
                  "Ctrl+C stops it", highlight=False)
        uvicorn.run(web, host=host, port=port, log_level="warning", server_header=False)

    _ = serve


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
