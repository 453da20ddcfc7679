"""``parallax compare``: coverage of one event compared across outlets, fact by fact."""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

FORMATS = {"text", "json", "md", "html"}


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    from parallax.cli import DbOption, check_path, err, evaluation, friendly, out

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
        from parallax.errors import InputError

        if format not in FORMATS:
            raise typer.BadParameter(f"use one of {', '.join(sorted(FORMATS))}", param_hint="--format")
        if out_path is not None and not out_path.parent.exists():
            # Said before the comparison runs, not after.
            raise InputError(f"{out_path.parent}: no such folder for --out; create it or choose another path")
        names = list(targets or [])
        for name in names:
            check_path(name)
        store = None
        left_out: list[str] = []
        needs_store = story is not None or any(not Path(t).exists() for t in names)
        if needs_store:
            from parallax.store import Store

            store = Store(db, create=False)
        try:
            if story is not None:
                names += _story_articles(store, story)
            if not names and manifest is None:
                raise typer.BadParameter("give files, article ids, --manifest or --story")
            comparison = compare_inputs(names, store=store, manifest=manifest, left_out=left_out).to_json()
        finally:
            if store is not None:
                store.close()
        rendered = _render(comparison, format)
        if out_path is not None:
            text = rendered if rendered is not None else _plain_text(comparison)
            out_path.write_text(text, encoding="utf-8")
            out.print(f"Report: {out_path.resolve()}")
        elif rendered is None:
            from parallax.render.terminal import print_comparison

            print_comparison(out, comparison)
        else:
            sys.stdout.write(rendered)
        other = sorted({str(a["language"]) for a in comparison["articles"]
                        if a.get("language") and a["language"] != "en"})
        if other:
            # Enrichment and alignment are English models: say so rather than let an empty or
            # odd comparison pass for a finding.
            err.print(f"[yellow]note:[/] articles in {', '.join(other)}: facts, voices and dates are "
                      "found reliably only in English texts (docs/cli.md, Languages)", highlight=False)
        for line in left_out:
            err.print(f"[yellow]left out:[/] {escape(line)}", highlight=False)
        if left_out:
            raise typer.Exit(1)

    _ = compare

    @eval_app.command("paraphrase")
    @friendly
    @evaluation
    def eval_paraphrase(
        path: Annotated[Path, typer.Argument(help="An MRPC file (msr_paraphrase_test.txt).")],
        dataset: Annotated[str, typer.Option(help="Dataset layout.")] = "mrpc",
        format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    ) -> None:
        """Claim alignment as paraphrase detection: F1 and accuracy on MRPC."""
        from parallax.cli import _check_dataset, _print_evaluation
        from parallax.evaluation.paraphrase import evaluate_paraphrase

        _check_dataset(dataset, "mrpc")
        _print_evaluation(evaluate_paraphrase(path), format)

    _ = eval_paraphrase

    @eval_app.command("stance")
    @friendly
    @evaluation
    def eval_stance(
        path: Annotated[Path, typer.Argument(help="The FNC-1 folder (competition test files).")],
        dataset: Annotated[str, typer.Option(help="Dataset layout.")] = "fnc1",
        cache: Annotated[
            Path | None, typer.Option(help="Keep embeddings in this folder between evaluation runs.")
        ] = None,
        limit: Annotated[
            int | None, typer.Option(min=1, help="Score only the first N pairs (quick runs).")
        ] = None,
        format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    ) -> None:
        """Stance of a body to a headline on FNC-1: FNC score, macro-F1, per-class F1."""
        from parallax.cli import _check_dataset, _print_evaluation
        from parallax.evaluation.stance import evaluate_stance

        _check_dataset(dataset, "fnc1")
        _print_evaluation(evaluate_stance(path, cache_dir=cache, limit=limit), format)

    _ = eval_stance

    @eval_app.command("framing")
    @friendly
    @evaluation
    def eval_framing(
        path: Annotated[Path, typer.Argument(help="The BASIL folder.")],
        dataset: Annotated[str, typer.Option(help="Dataset layout.")] = "basil",
        format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    ) -> None:
        """Loaded-word flags against BASIL's lexical-bias spans: token, span and sentence P/R/F1."""
        from parallax.cli import _check_dataset, _print_evaluation
        from parallax.evaluation.framing import evaluate_framing

        _check_dataset(dataset, "basil")
        _print_evaluation(evaluate_framing(path), format)

    _ = eval_framing

    @eval_app.command("contradiction")
    @friendly
    @evaluation
    def eval_contradiction(
        path: Annotated[Path, typer.Argument(help="A SICK file (SICK_test_annotated.txt).")],
        dataset: Annotated[str, typer.Option(help="Dataset layout.")] = "sick",
        train: Annotated[
            Path | None, typer.Option(help="SICK training file (default: SICK_train.txt beside PATH).")
        ] = None,
        fnc: Annotated[
            Path | None, typer.Option(help="Also check both systems on FNC-1's agree/disagree pairs here.")
        ] = None,
        cache: Annotated[
            Path | None, typer.Option(help="Keep embeddings in this folder between evaluation runs.")
        ] = None,
        format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    ) -> None:
        """Contradiction detection on SICK: compare's conflict rules beside a classifier fitted on
        SICK train."""
        from parallax.cli import _check_dataset, _print_evaluation
        from parallax.evaluation.contradiction import evaluate_contradiction

        _check_dataset(dataset, "sick")
        result = evaluate_contradiction(path, train_path=train, cache_dir=cache, fnc_dir=fnc)
        _print_evaluation(result, format)
        if format != "json":
            check = result.get("fnc_disagree")
            if check:
                for system in ("rules", "classifier", "rules_with_classifier", "negation_cue"):
                    s = check[system]
                    out.print(f"FNC-1 disagree ({check['n']} agree/disagree pairs), {system}: "
                              f"P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}")
            out.print(result["decision"])

    _ = eval_contradiction

    @eval_app.command("alignment")
    @friendly
    @evaluation
    def eval_alignment(
        path: Annotated[Path, typer.Argument(help="The ECB+ dataset folder, or a topic in it.")],
        dataset: Annotated[str, typer.Option(help="Dataset layout.")] = "ecbplus",
        format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    ) -> None:
        """Claim alignment on ECB+: sentences of two reports of one event that mention the same event
        instance should be aligned; precision, recall and F1 on the development topics."""
        from parallax.cli import _check_dataset, _print_evaluation
        from parallax.evaluation.alignment import evaluate_alignment

        _check_dataset(dataset, "ecbplus")
        _print_evaluation(evaluate_alignment(path), format)

    _ = eval_alignment


def _plain_text(comparison: dict[str, Any]) -> str:
    """The terminal's side-by-side account, as plain text for a file."""
    import io

    from rich.console import Console

    from parallax.render.terminal import print_comparison

    buffer = io.StringIO()
    print_comparison(Console(file=buffer, width=160, color_system=None, soft_wrap=False), comparison)
    return buffer.getvalue()


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
