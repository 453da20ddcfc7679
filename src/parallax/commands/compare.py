"""``parallax compare``: coverage of one event compared across outlets, fact by fact."""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

FORMATS = {"text", "json", "md", "html"}


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    from parallax.cli import DbOption, friendly, out

    @app.command()
    @friendly
    def compare(
        targets: Annotated[
            list[str] | None, typer.Argument(help="Files to read, or stored article ids.")
        ] = None,
        manifest: Annotated[
            Path | None, typer.Option(help="CSV with file,outlet,country,language,url.")
        ] = None,
        story: Annotated[str | None, typer.Option(help="Compare the articles of this stored story.")] = None,
        db: DbOption = None,
        format: Annotated[str, typer.Option("--format", help="text, json, md or html.")] = "text",
        out_path: Annotated[Path | None, typer.Option("--out", help="Write the report here.")] = None,
    ) -> None:
        """Compare how articles cover one event: shared, partial, unique and conflicting facts,
        voices, sources, framing and a merged timeline."""
        from parallax.compare.api import compare_inputs

        if format not in FORMATS:
            raise typer.BadParameter(f"use one of {', '.join(sorted(FORMATS))}", param_hint="--format")
        names = list(targets or [])
        store = None
        needs_store = story is not None or any(not Path(t).exists() for t in names)
        if needs_store:
            from parallax.store import Store

            store = Store(db)
        try:
            if story is not None:
                names += _story_articles(store, story)
            if not names and manifest is None:
                raise typer.BadParameter("give files, article ids, --manifest or --story")
            comparison = compare_inputs(names, store=store, manifest=manifest).to_json()
        finally:
            if store is not None:
                store.close()
        rendered = _render(comparison, format)
        if out_path is not None:
            out_path.write_text(rendered if rendered is not None else "", encoding="utf-8")
            out.print(f"Report: {out_path.resolve()}")
        elif rendered is None:
            from parallax.render.terminal import print_comparison

            print_comparison(out, comparison)
        else:
            sys.stdout.write(rendered)

    _ = compare

    @eval_app.command("paraphrase")
    @friendly
    def eval_paraphrase(
        path: Annotated[Path, typer.Argument(help="An MRPC file (msr_paraphrase_test.txt).", exists=True)],
        dataset: Annotated[str, typer.Option(help="Dataset layout.")] = "mrpc",
        format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    ) -> None:
        """Claim alignment as paraphrase detection: F1 and accuracy on MRPC."""
        from parallax.cli import _check_dataset, _print_evaluation
        from parallax.evaluation.paraphrase import evaluate_paraphrase

        _check_dataset(dataset, "mrpc")
        _print_evaluation(evaluate_paraphrase(path), format)

    _ = eval_paraphrase


def _story_articles(store: Any, story: str) -> list[str]:
    return list(store.story(story).article_ids)


def _render(comparison: dict[str, Any], format: str) -> str | None:
    if format == "json":
        return json.dumps(comparison, ensure_ascii=False, indent=2) + "\n"
    if format == "md":
        from parallax.render.markdown import render_markdown

        return render_markdown(comparison)
    if format == "html":
        from parallax.render.html import render_html

        return render_html(comparison)
    return None
