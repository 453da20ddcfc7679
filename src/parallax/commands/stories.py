"""Commands of the cluster stage: ``cluster``, ``stories``, ``story``, ``similarity``, and the
``eval clustering`` and ``eval similarity`` evaluations."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from parallax.cli import (
    DatasetDir,
    DbOption,
    EvalFormat,
    _print_evaluation,
    _print_json,
    _store,
    check_path,
    evaluation,
    friendly,
    out,
)
from parallax.errors import DatasetError, InputError
from parallax.render.terminal import short_time
from parallax.text import clip

EmbedderOption = Annotated[
    str | None,
    typer.Option(help="Embedder: minilm (default), e5-multilingual (cross-lingual), or a model folder."),
]
CacheOption = Annotated[
    Path | None, typer.Option(help="Keep embeddings in this folder between evaluation runs.")
]


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("cluster")(friendly(cluster))
    app.command("stories")(friendly(stories))
    app.command("story")(friendly(story))
    app.command("similarity")(friendly(similarity))
    eval_app.command("clustering")(friendly(evaluation(eval_clustering)))
    eval_app.command("similarity")(friendly(evaluation(eval_similarity)))


def _embedder(name: str | None) -> Any:
    from parallax.enrich.embed import get_embedder

    return get_embedder(name)


def cluster(db: DbOption = None, embedder: EmbedderOption = None) -> None:
    """(Re)build stories from every stored article, in publication order."""
    from parallax.cluster import rebuild_stories

    with _store(db) as store:
        report = rebuild_stories(store, embedder=_embedder(embedder))
    out.print(f"{report.articles} articles in {report.stories} stories")


def stories(
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List stories, latest first: title, time span, outlets and articles."""
    if format not in {"table", "json"}:
        raise typer.BadParameter("use table or json", param_hint="--format")
    if format == "json":
        from parallax.cluster.listing import story_listing

        with _store(db) as store:
            _print_json(story_listing(store))
        return
    with _store(db) as store:
        found = store.stories()
    table = Table(title=f"{len(found)} stories")
    table.add_column("id", no_wrap=True)
    table.add_column("span", no_wrap=True)
    table.add_column("title", ratio=1)
    table.add_column("outlets")
    table.add_column("articles", justify="right")
    table.add_column("events", justify="right")
    for s in found:
        span = short_time(s.start) if s.start == s.end else f"{short_time(s.start)} - {short_time(s.end)}"
        table.add_row(s.id, span, escape(clip(s.title, 80)), escape(clip(", ".join(s.outlets), 40)),
                      str(len(s.article_ids)), str(len(s.events)))
    out.print(table)
    if not found:
        out.print("No stories yet: run `parallax cluster` after ingesting articles.")


def story(
    id: Annotated[str, typer.Argument(help="Story id (or a unique prefix of one).")],
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Show one story: its events and articles, which are copies, and its key entities."""
    with _store(db) as store:
        found = store.story(id)
        articles = {a.id: a for a in store.articles(ids=list(found.article_ids))}
    if format == "json":
        _print_json(found.to_json())
        return
    out.print(f"[bold]{escape(found.title)}[/]", highlight=False)
    out.print(f"{found.id} · {short_time(found.start)} - {short_time(found.end)} · "
              f"{found.independent_outlets} independent outlets · {escape(', '.join(found.countries))}",
              highlight=False)
    if found.key_entities:
        out.print("key entities: " + ", ".join(found.key_entities), highlight=False, markup=False)
    for event in found.events:
        out.rule(f"event {event.index + 1}: {escape(clip(event.title, 80))}")
        for article_id in event.article_ids:
            a = articles.get(article_id)
            if a is None:
                continue
            copy = f" [dim](copy of {found.copies[article_id][:8]})[/]" if article_id in found.copies else ""
            out.print(f"{a.id[:10]}  {short_time(a.published)}  {escape(a.outlet or '?')}: "
                      f"{escape(clip(a.heading, 80))}{copy}", highlight=False)


def similarity(
    first: Annotated[str, typer.Argument(help="A stored article id (or prefix), or a file to read.")],
    second: Annotated[str, typer.Argument(help="The other article.")],
    db: DbOption = None,
    embedder: EmbedderOption = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Score two articles on SemEval-2022 Task 8's scale: 1 very similar ... 4 very dissimilar."""
    from parallax.cluster import similarity as score
    articles, enrichments = [], []
    for target in (first, second):
        check_path(target)
    # Two files need no store; an article id does.
    needs_store = not all(Path(t).exists() for t in (first, second))
    with _store(db) if needs_store else contextlib.nullcontext() as store:
        for target in (first, second):
            article, enrichment = _load(store, target)
            articles.append(article)
            enrichments.append(enrichment)
    result = score(articles[0], articles[1], enrichments=enrichments, embedder=embedder)
    if format == "json":
        _print_json(result.to_json())
        return
    table = Table("dimension", "score", title="similarity (1 = very similar ... 4 = very dissimilar)",
                  title_justify="left")
    for name, value in (("Overall", result.overall), ("Entities", result.entities), ("Time", result.time),
                        ("Geography", result.geography), ("Narrative", result.narrative)):
        table.add_row(name, f"{value:.2f}" if value is not None else "n/a (no signal)")
    out.print(table)


def _load(store: Any, target: str) -> tuple[Any, Any]:
    from parallax.ingest import ingest
    from parallax.store import Store

    if Path(target).exists():
        with Store(memory=True) as scratch:
            report = ingest([target], store=scratch)
            found = scratch.articles()
            if not found:
                reasons = "; ".join(f"{i.input}: {i.reason}" for i in report.items if i.reason)
                raise InputError(f"no article could be read from {target} ({reasons})")
            return found[0], None
    article = store.article(target)
    return article, store.enrichment(article.id)


def eval_clustering(
    path: DatasetDir,
    dataset: Annotated[str, typer.Option(help="ecbplus (a folder of ECB+ topics) or allsides.")] = "ecbplus",
    embedder: EmbedderOption = None,
    cache: CacheOption = None,
    baselines: Annotated[bool, typer.Option(
        help="Run the TF-IDF and BERTopic baselines beside ours.")] = True,
    orders: Annotated[int, typer.Option(
        min=1, help="ECB+: stream orders to cluster (hash order, then seeded shuffles) for the "
                    "spread of the figures.")] = 6,
    format: EvalFormat = "table",
) -> None:
    """Story clustering: B-cubed precision, recall, F1 and ARI, beside TF-IDF and BERTopic baselines."""
    from parallax.evaluation.clustering import evaluate_clustering

    if dataset not in {"ecbplus", "allsides"}:
        raise DatasetError(f"--dataset {dataset!r}: use ecbplus or allsides")
    result = evaluate_clustering(path, dataset, embedder=embedder, cache_dir=cache, baselines=baselines,
                                 orders=orders)
    _print_evaluation(result, format)
    if format != "json":
        _print_extras(result)


def eval_similarity(
    path: Annotated[Path, typer.Argument(help="The task's CSV file (e.g. training_set.csv).")],
    dataset: Annotated[str, typer.Option(help="semeval2022 (the task's CSV).")] = "semeval2022",
    cache: CacheOption = None,
    format: EvalFormat = "table",
) -> None:
    """Article similarity: Pearson with SemEval-2022 Task 8's scores, beside simple baselines."""
    from parallax.evaluation.similarity import evaluate_similarity

    if dataset != "semeval2022":
        raise DatasetError(f"--dataset {dataset!r}: only 'semeval2022' is read by this command")
    result = evaluate_similarity(path, cache_dir=cache)
    _print_evaluation(result, format)
    if format != "json":
        _print_extras(result)


def _print_extras(result: dict[str, Any]) -> None:
    for name, figures in result.get("splits", {}).items():
        shown = ", ".join(f"{k} {v}" for k, v in figures.items())
        out.print(f"split {name}: {shown}", highlight=False)
    for name, spread in result.get("orders", {}).items():
        out.print(f"over {spread['orders']} stream orders {name}: mean {spread['mean']}, "
                  f"min {spread['min']}, max {spread['max']}", highlight=False)
    shown_in_table = _side_by_side(result)
    for name, figures in result.get("baselines", {}).items():
        if isinstance(figures, dict):
            rest = {k: v for k, v in figures.items() if k.removeprefix("reduced_") not in shown_in_table}
            figures = ", ".join(f"{k} {v}" for k, v in rest.items())
        if figures:
            out.print(f"baseline {name}: {figures}", highlight=False)


_BASELINE_LABELS = {"tfidf_agglomerative": "TF-IDF", "bertopic": "BERTopic"}


def _side_by_side(result: dict[str, Any]) -> set[str]:
    """Our figures and each baseline's in one table, a column each; the metrics it shows.

    A baseline's ``reduced_*`` figures (BERTopic with its outliers reassigned to their nearest
    topic) get a column of their own."""
    columns: dict[str, dict[str, Any]] = {"Parallax": result.get("metrics", {})}
    for name, figures in result.get("baselines", {}).items():
        if not isinstance(figures, dict) or "skipped" in figures:
            continue
        label = _BASELINE_LABELS.get(name, name)
        columns[label] = {k: v for k, v in figures.items() if not k.startswith("reduced_")}
        reduced = {k.removeprefix("reduced_"): v for k, v in figures.items() if k.startswith("reduced_")}
        if reduced:
            columns[f"{label}, reassigned"] = reduced
    rows = [metric for metric in columns["Parallax"]
            if any(metric in figures for name, figures in columns.items() if name != "Parallax")]
    if not rows:
        return set()
    table = Table(title="side by side, same data")
    table.add_column("metric", no_wrap=True)
    for name in columns:
        table.add_column(escape(name), justify="right")
    for metric in rows:
        table.add_row(metric, *(str(figures.get(metric, "-")) for figures in columns.values()))
    out.print(table)
    return set(rows)
