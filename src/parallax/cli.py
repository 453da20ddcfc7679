"""The ``parallax`` command line: a thin layer over the library.

Every command parses its arguments, calls the library, and renders the result; library errors
become one-line messages that say what to do, with exit status 2.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from parallax.errors import ParallaxError
from parallax.render.terminal import short_time
from parallax.text import clip

app = typer.Typer(
    name="parallax",
    help="Compare how news outlets across countries and languages cover the same event.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    Path | None,
    typer.Option("--db", envvar="PARALLAX_DB", help="SQLite store (default ./parallax.db or $PARALLAX_DB)."),
]


def friendly(func: F) -> F:
    """Turn library errors into one clear line on stderr and exit status 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ParallaxError as exc:
            # Messages quote paths and article text: "[draft]" in one must print as it is.
            err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True)
            raise typer.Exit(2) from exc
        except BrokenPipeError:
            raise  # the reader of the output went away (`| head`): not the input's fault
        except OSError as exc:
            # A file the command was pointed at cannot be read or written: name it and say why,
            # instead of a traceback.
            names = [str(name) for name in (exc.filename, exc.filename2) if name]
            where = "".join(f"{name}: " for name in names)
            err.print(f"[bold red]error:[/] {escape(where + str(exc.strerror or exc))}",
                      highlight=False, markup=True)
            raise typer.Exit(2) from exc

    return wrapper  # type: ignore[return-value]


def _store(db: Path | None, *, create: bool = False):  # type: ignore[no-untyped-def]  # imported lazily
    """The store at ``db``. Only commands that add articles make one where there is none."""
    from parallax.store import Store

    return Store(db, create=create)


def check_path(target: str) -> None:
    """An article id is a run of letters and digits: a name with a folder or a suffix that names
    no file is a mistyped path, said as such before any store is looked for."""
    from parallax.errors import InputError

    if not Path(target).exists() and ("/" in target or "\\" in target or Path(target).suffix):
        raise InputError(f"{target}: no such file; check the path (stored articles are named by id)")


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _parse_size(text: str) -> int:
    units = {"KB": 1024, "MB": 1024**2, "GB": 1024**3, "B": 1}
    upper = text.strip().upper()
    for unit, factor in units.items():
        if upper.endswith(unit):
            return int(float(upper[: -len(unit)]) * factor)
    return int(upper)


@app.command()
@friendly
def ingest(
    inputs: Annotated[list[str] | None, typer.Argument(help="Files, folders, globs or http(s) URLs.")] = None,
    manifest: Annotated[Path | None, typer.Option(help="CSV with file,outlet,country,language,url.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet of every input (a manifest row wins).")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166 country code of every input.")] = None,
    language: Annotated[str | None, typer.Option(help="ISO 639-1 language of every input.")] = None,
    db: DbOption = None,
    outlets: Annotated[Path | None, typer.Option(help="Extra outlet registry (TOML).")] = None,
    max_size: Annotated[str, typer.Option(help="Largest article text accepted, e.g. 5MB.")] = "5MB",
    encoding: Annotated[str | None, typer.Option(help="Text encoding of the inputs when not UTF-8.")] = None,
    follow: Annotated[bool, typer.Option(help="For feeds, fetch each entry's linked page.")] = False,
    allow_private: Annotated[
        bool, typer.Option(help="Allow fetching from private and loopback addresses.")
    ] = False,
    format: Annotated[str, typer.Option("--format", help="Summary as text or json.")] = "text",
    enrich: Annotated[bool, typer.Option(help="Enrich the new articles (entities, voices, times).")] = True,
) -> None:
    """Read articles from files, folders, feeds, archives and URLs into the store."""
    from parallax.ingest import ingest as run_ingest
    from parallax.outlets import OutletRegistry

    if format not in {"text", "json"}:
        raise typer.BadParameter("use text or json", param_hint="--format")
    try:
        limit = _parse_size(max_size)
    except ValueError as exc:
        raise typer.BadParameter("give a size such as 5MB or 800KB", param_hint="--max-size") from exc
    registry = OutletRegistry.load(outlets)
    with _store(db, create=True) as store, _progress(disable=format == "json") as progress:
        task = progress.add_task("ingest", total=None, counts="")

        def advance(ref: Any, report: Any) -> None:
            progress.update(task, advance=1, counts=(
                f"stored {report.stored} · duplicates {report.duplicates} · quarantined {report.quarantined}"
            ))

        report = run_ingest(
            inputs or [], store=store, manifest=manifest, outlet=outlet, country=country,
            language=language, registry=registry, max_bytes=limit, follow=follow,
            allow_private=allow_private, encoding=encoding, progress=advance,
            on_inputs=lambda n: progress.update(task, total=n),
        )
        new_ids = [item.article_id for item in report.items
                   if item.outcome.value == "stored" and item.article_id]
        if enrich and new_ids:
            _run_enrichment(store, progress, ids=new_ids)
            from parallax.cluster import update_stories

            # Stories follow the stream: new articles join open stories or start new ones.
            clustered = update_stories(store, new_ids)
    if format == "json":
        _print_json(report.to_json())
    else:
        out.print(
            f"{report.total} items: [green]{report.stored} stored[/], {report.duplicates} duplicates, "
            f"[{'red' if report.quarantined else 'green'}]{report.quarantined} quarantined[/]"
        )
        if enrich and new_ids:
            out.print(f"stories: {clustered.stories} ({clustered.articles} articles placed"
                      f"{', rebuilt' if clustered.rebuilt else ''}); list them with `parallax stories`")
        for kind, count in sorted(report.skipped.items()):
            out.print(f"skipped {count} {kind} (not articles)")
        bad = [item for item in report.items if item.outcome.value == "quarantined"]
        if bad:
            table = Table("input", "reason", title="Quarantined", title_justify="left")
            for item in bad:
                table.add_row(escape(item.input), escape(item.reason or ""))
            out.print(table)
            out.print("See them again with `parallax quarantine`; fix the inputs and ingest again.")
    if report.quarantined:
        raise typer.Exit(1)


def _run_enrichment(
    store: Any, progress: Any, *, ids: list[str] | None = None, force: bool = False, sentences: bool = False
) -> Any:
    from parallax.enrich import Enricher, enrich_store

    task = progress.add_task("enrich", total=None, counts="")
    return enrich_store(
        store, ids=ids, force=force, enricher=Enricher(store=store, sentence_vectors=sentences),
        progress=lambda n: progress.update(task, advance=n),
        on_total=lambda n: progress.update(task, total=n),
    )


def _progress(disable: bool = False) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), console=err, disable=disable,
    )


@app.command()
@friendly
def enrich(
    db: DbOption = None,
    force: Annotated[bool, typer.Option(help="Redo every article, not only those not yet enriched.")] = False,
    sentence_vectors: Annotated[
        bool,
        typer.Option(help="Embed every sentence now, not when a comparison first needs it."),
    ] = False,
) -> None:
    """Enrich stored articles (after an upgrade, or after `ingest --no-enrich`); resumable."""
    with _store(db) as store, _progress() as progress:
        report = _run_enrichment(store, progress, force=force, sentences=sentence_vectors)
    out.print(f"enriched {report.enriched} articles")


@app.command()
@friendly
def analyze(
    target: Annotated[str, typer.Argument(help="A file to read (not stored) or a stored article id.")],
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="json or text.")] = "text",
    encoding: Annotated[str | None, typer.Option(help="Text encoding of the file when not UTF-8.")] = None,
) -> None:
    """Show what enrichment finds in one article: entities, voices, sources, times, quantities.

    A file of several articles (JSON Lines, a feed) gives each; one that cannot be read is named
    on stderr, and the exit status is then 1."""
    from parallax.enrich import Enricher
    from parallax.errors import InputError
    from parallax.ingest import ingest as run_ingest
    from parallax.store import Store

    left_out: list[str] = []
    if Path(target).exists():
        with Store(memory=True) as scratch:
            report = run_ingest([target], store=scratch, encoding=encoding)
            found = scratch.articles(ids=[i.article_id for i in report.items if i.article_id])
            if not found:
                reasons = "; ".join(f"{i.input}: {i.reason}" for i in report.items if i.reason)
                raise InputError(f"no article could be read from {target} ({reasons})")
            left_out = [f"{i.input}: {i.reason}" for i in report.items if i.outcome.value == "quarantined"]
            enricher = Enricher(vectors=False)
            results = [(a, enricher.analyze(a).enrichment) for a in found]
    else:
        check_path(target)
        with _store(db) as store:
            article_found = store.article(target)
            stored = store.enrichment(article_found.id)
            enricher = Enricher(vectors=False, store=store)
            results = [(article_found, stored or enricher.analyze(article_found).enrichment)]
    if format == "json":
        payload = [dict(article=a.summary(), **{k: v for k, v in e.to_json().items() if k != "article"})
                   for a, e in results]
        _print_json(payload[0] if len(payload) == 1 else payload)
    else:
        for a, e in results:
            _print_analysis(a, e)
    for line in left_out:
        err.print(f"[yellow]left out:[/] {escape(line)}", highlight=False)
    if left_out:
        raise typer.Exit(1)


def _print_analysis(article: Any, enrichment: Any) -> None:
    out.rule(f"{article.outlet or 'unknown outlet'} · {short_time(article.published)} · "
             f"{article.heading}")
    people = Table("mention", "label", "refers to", title="Entities", title_justify="left")
    for m in enrichment.mentions:
        if m.canonical:
            people.add_row(m.text, m.label, m.canonical if m.canonical != m.text else "")
    out.print(people)
    voices = Table("speaker", "verb", "mode", "says", title="Voices", title_justify="left")
    for v in enrichment.voices:
        voices.add_row(v.speaker or "?", v.verb, v.mode, clip(v.text, 90))
    out.print(voices)
    sources = Table("source", "kind", "as written", title="Cited sources", title_justify="left")
    for s in enrichment.sources:
        sources.add_row(s.name, s.kind, s.text)
    out.print(sources)
    times = Table("expression", "value", "precision", title="Times", title_justify="left")
    for t in enrichment.times:
        times.add_row(t.expression, t.value or "", t.precision)
    out.print(times)
    amounts = Table("quantity", "value", "unit", "counts", title="Quantities", title_justify="left")
    for q in enrichment.quantities:
        amounts.add_row(q.text, f"{q.value:g}", q.unit or "", q.counts or "")
    out.print(amounts)


@app.command()
@friendly
def articles(
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    outlet: Annotated[str | None, typer.Option(help="Only this outlet's articles.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many.")] = None,
) -> None:
    """List stored articles in publication order."""
    with _store(db) as store:
        found = store.articles(outlet=outlet, limit=limit)
    if format == "json":
        _print_json([a.summary() for a in found])
        return
    table = Table(title=f"{len(found)} articles")
    table.add_column("id", no_wrap=True)
    table.add_column("outlet")
    table.add_column("cc")
    table.add_column("lang")
    table.add_column("published", no_wrap=True)
    table.add_column("title", ratio=1)
    table.add_column("chars", justify="right")
    for a in found:
        # Titles and outlets are the articles' own words: "[update]" in one is text, not markup.
        title = escape(clip(a.heading, 90))
        if a.syndicated_of:
            title = f"{title} [dim](copy of {a.syndicated_of[:8]})[/]"
        table.add_row(a.id[:10], escape(a.outlet or ""), escape(a.country or ""), escape(a.language or ""),
                      short_time(a.published), title, str(a.chars))
    out.print(table)


@app.command()
@friendly
def article(
    id: Annotated[str, typer.Argument(help="Article id (or a unique prefix of one).")],
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Show one article with its metadata."""
    with _store(db) as store:
        found = store.article(id)
        sightings = store.sightings(found.id)
        copies = store.syndicated_copies(found.id)
    if format == "json":
        data = found.to_json()
        data["sightings"] = sightings
        data["syndicated_copies"] = copies
        _print_json(data)
        return
    out.print(f"[bold]{escape(found.heading or '(no headline)')}[/]", highlight=False)
    details = [found.outlet or "unknown outlet", found.country or "", found.language or "",
               found.published.isoformat() if found.published else "undated"]
    out.print(" · ".join(d for d in details if d), highlight=False, markup=False)
    if found.modified:
        out.print(f"modified {found.modified.isoformat()}")
    if found.url:
        out.print(found.url, highlight=False, markup=False)
    if found.syndicated_of:
        out.print(f"syndicated copy of {found.syndicated_of} (similarity {found.syndication_similarity})")
    if copies:
        out.print(f"copies: {', '.join(copies)}")
    out.print()
    out.print(found.text, highlight=False, markup=False)


@app.command()
@friendly
def quarantine(
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List inputs that could not be stored, with the reason and what to do."""
    with _store(db) as store:
        entries = store.quarantine()
    if format == "json":
        _print_json([e.to_json() for e in entries])
        return
    table = Table("input", "reason", "time", title=f"{len(entries)} quarantined")
    for e in entries:
        table.add_row(escape(e.input), escape(e.reason), e.time.isoformat())
    out.print(table)


@app.command()
@friendly
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo's store and outputs.")] = Path(
        "parallax-demo"
    ),
) -> None:
    """Run Parallax on the bundled sample story and say where the outputs are."""
    from parallax.demo import run_demo

    result = run_demo(out_dir, console=out)
    out.print()
    out.print(f"Store:      {result.db}")
    out.print(f"Articles:   {result.articles_json}")
    out.print(f"Comparison: {result.comparison_json}")
    out.print(f"Report:     {result.report_html}  (open it in a browser)")
    out.print(f"Explore:    parallax stories --db {result.db}")
    out.print(f"            parallax compare --story {result.story_id} --db {result.db}")
    out.print(f"Web UI:     parallax serve --db {result.db}")
    out.print(f"            then open http://127.0.0.1:8000/stories/{result.story_id}")


eval_app = typer.Typer(
    help="Measure quality on labelled data; figures print beside the published anchors.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")

DatasetDir = Annotated[Path, typer.Argument(help="The dataset's folder or file.")]
EvalFormat = Annotated[str, typer.Option("--format", help="table or json.")]

#: What reading a file in another layout raises: a dataset error, named with the file.
_READING_ERRORS = (UnicodeDecodeError, json.JSONDecodeError, KeyError, IndexError, ValueError, TypeError,
                   AttributeError)


_WRITTEN_PATHS = frozenset({"cache", "errors"})


def evaluation(func: F) -> F:
    """An eval command: the files and folders it is given exist, ``--format`` is table or json,
    and a dataset that cannot be read in the layout expected is one error line naming it (the
    exception kept in the message) rather than a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from parallax.errors import ConfigError, DatasetError

        shape = kwargs.get("format")
        if shape is not None and shape not in ("table", "json"):
            raise ConfigError(f"--format {shape!r}: use table or json")
        # Paths the command writes (a cache, an error report) need not exist yet.
        given = [value for key, value in kwargs.items()
                 if isinstance(value, Path) and key not in _WRITTEN_PATHS]
        for path in given:
            if not path.exists():
                raise DatasetError(f"{path}: no such file or folder; give the dataset's path "
                                   "(docs/cli.md gives each command's layout)")
        try:
            return func(*args, **kwargs)
        except ParallaxError:
            raise
        except _READING_ERRORS as exc:
            # Raised by the readers of the data given, most often; the message keeps the
            # exception, so that a fault of the command itself still shows for what it is.
            where = ", ".join(str(path) for path in given) or "the dataset"
            raise DatasetError(f"the command failed on {where} ({type(exc).__name__}: {exc}); check the "
                               "data against the layout docs/cli.md gives") from exc

    return wrapper  # type: ignore[return-value]


def _print_evaluation(result: dict[str, Any], format: str) -> None:
    """One table: each metric beside its target and anchor (JSON with --format json)."""
    if format == "json":
        _print_json(result)
        return
    table = Table("metric", "value", "target", "anchor",
                  title=f"{result['task']} on {result['dataset']} (n = {result['n']})", title_justify="left")
    targets = result.get("targets", {})
    anchors = result.get("anchors", {})
    shown_anchors: set[str] = set()
    for name, value in result["metrics"].items():
        key = next((k for k in anchors if k.endswith(name)), None)
        anchor = f"{anchors[key]:g} ({key})" if key is not None else ""
        if key is not None:
            shown_anchors.add(key)
        target = targets.get(name)
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        table.add_row(name, shown, f">= {target:g}" if target is not None else "", anchor)
    out.print(table)
    for key, value in anchors.items():
        if key not in shown_anchors:  # every anchor is shown, beside its metric or on a line of its own
            out.print(f"anchor {key}: {value}")


def _check_dataset(dataset: str, expected: str) -> None:
    from parallax.errors import DatasetError

    if dataset != expected:
        raise DatasetError(f"--dataset {dataset!r}: only {expected!r} is read by this command")


@eval_app.command("timex")
@friendly
@evaluation
def eval_timex(
    directory: DatasetDir,
    dataset: Annotated[
        str, typer.Option(help="Dataset layout: tempeval3 (TimeML .tml files) or meantime (CAT XML).")
    ] = "tempeval3",
    format: EvalFormat = "table",
    errors: Annotated[
        Path | None,
        typer.Option(help="Write every missed, spurious and wrong-valued expression here (JSON lines).",
                     dir_okay=False),
    ] = None,
) -> None:
    """Time expressions in TimeML files: detection F1 (strict, relaxed) and normalised value F1."""
    from parallax.evaluation.timex import DATASETS, evaluate_timex

    if dataset not in DATASETS:
        from parallax.errors import DatasetError

        raise DatasetError(f"--dataset {dataset!r}: use one of {', '.join(DATASETS)}")
    result = evaluate_timex(directory, dataset, errors)
    _print_evaluation(result, format)
    if "errors" in result and format != "json":
        found = result["errors"]
        out.print(f"errors written to {found['file']}: "
                  + ", ".join(f"{found.get(k, 0)} {k}" for k in ("missed", "spurious", "value")))
        for difference, count in found["value_errors_by_difference"].items():
            out.print(f"  wrong values, {difference}: {count}")
        out.print(f"  value_f1 with notation alone not counted wrong (not a score): "
                  f"{found['value_f1_notation_aside']:.3f}")


@eval_app.command("quotes")
@friendly
@evaluation
def eval_quotes(
    directory: DatasetDir,
    dataset: Annotated[str, typer.Option(help="Dataset layout.")] = "basil",
    format: EvalFormat = "table",
) -> None:
    """Recall of BASIL's annotated quote spans found inside a voice."""
    from parallax.evaluation.quotes import evaluate_quotes

    _check_dataset(dataset, "basil")
    _print_evaluation(evaluate_quotes(directory), format)


def _register_stage_commands() -> None:
    from importlib import import_module
    from pkgutil import iter_modules

    import parallax.commands

    for module in iter_modules(parallax.commands.__path__):
        import_module(f"parallax.commands.{module.name}").register(app, eval_app)


_register_stage_commands()


def main() -> None:
    # Typer's own terminal-width detection misbehaves in pipes; rich handles width itself.
    shutil.get_terminal_size()
    app()


if __name__ == "__main__":
    main()
