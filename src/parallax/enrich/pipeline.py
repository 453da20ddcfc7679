"""The enrich stage: what each article says, who speaks in it, on whose authority, and when.

Components run over one spaCy parse in a fixed order (entities first: voices and sources need
them to name speakers). Results point back at the article text by offsets and are stored with
a version, so an upgrade can redo exactly the articles enriched by an older one.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import islice
from typing import Any

from parallax.errors import ConfigError
from parallax.model import Article, Enrichment, Mention, Sentence
from parallax.store import Store

#: Bump when a component changes what it produces: `parallax enrich` then redoes older articles.
ENRICHMENT_VERSION = 10
#: Parse in several processes from this many articles on; fewer do not repay starting them.
PARALLEL_FROM = 64
WORKERS_ENV = "PARALLAX_WORKERS"
#: Batches queued per worker process: enough that none waits for the next, few enough to bound memory.
AHEAD_PER_WORKER = 3
#: Articles a worker process parses and embeds at once. Small batches keep a batch's activations
#: in the cores' caches: two workers sharing a machine ran 13 articles/s in batches of 16 and
#: 16-17 in batches of 2 (the store still commits in larger groups). When every sentence is
#: embedded as well, embedding dominates and gains more from long, length-sorted batches.
WORKER_BATCH = 2
#: Worker processes are forked, on Linux: they then share the loaded pipeline. Elsewhere fork is
#: missing (Windows) or unsafe beside system frameworks (macOS), and articles are parsed here.
FORK = "fork"
PARALLEL_PLATFORM = sys.platform.startswith("linux")


@dataclass(slots=True)
class EnrichReport:
    enriched: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Analysis:
    """One article's enrichment, its vectors, and what it taught about the people in it."""

    enrichment: Enrichment
    article_vector: Any = None
    sentence_vectors: Any = None
    people: tuple[Any, ...] = ()


def lead_text(article: Article) -> str:
    """What the article vector is made of: the headline and the first sentences, capped in length
    (:func:`parallax.enrich.embed.lead_of`), the text story clustering is fitted on."""
    from parallax.enrich.embed import lead_of

    return lead_of(article.title, article.text)


def parse_workers(requested: int | None, total: int | None) -> int:
    """Parsing processes: as asked, else one per core (at most four) when there is enough work to
    repay starting them (about a second each), else one."""
    if requested is not None:
        return max(1, requested)
    configured = os.environ.get(WORKERS_ENV)
    if configured:
        try:
            return max(1, int(configured))
        except ValueError as exc:
            raise ConfigError(f"{WORKERS_ENV}={configured!r} is not a number of processes") from exc
    if total is None or total < PARALLEL_FROM:
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def reference_date(published: date | None) -> date | None:
    """The publication day in the outlet's own time zone: "Wednesday" is read in that calendar."""
    if isinstance(published, datetime):
        return published.date()
    return published


class Enricher:
    """Runs every enrichment component. The spaCy pipeline and the embedder are injectable.

    ``vectors`` computes each article's lead vector (headline and first sentences), the signal
    story clustering needs. ``sentence_vectors`` also embeds every sentence now; by default those
    are left to the first comparison that needs them (see :func:`parallax.compare.api`), since they
    cost more than the rest of enrichment together and only compared articles use them.
    ``workers`` parses in that many processes (``None``: one per core for large runs).
    """

    def __init__(
        self,
        *,
        nlp: Any | None = None,
        embedder: Any | None = None,
        vectors: bool = True,
        sentence_vectors: bool = False,
        store: Store | None = None,
        workers: int | None = None,
    ) -> None:
        self._nlp = nlp
        self._embedder = embedder
        self.vectors = vectors
        self.sentence_vectors = sentence_vectors and vectors
        self.store = store
        self.workers = workers

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            from parallax.enrich.nlp import load_nlp

            self._nlp = load_nlp()
        return self._nlp

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from parallax.enrich.embed import get_embedder

            self._embedder = get_embedder()
        return self._embedder

    def analyze(self, article: Article) -> Analysis:
        """Enrichment and vectors of one article."""
        return next(self.analyze_many([article]))

    def analyze_many(
        self, articles: Iterable[Article], *, batch_size: int = 16, total: int | None = None
    ) -> Iterator[Analysis]:
        """Analyses in input order, streamed: articles are parsed and enriched as they are drawn
        from ``articles`` (in worker processes for large runs) and yielded in groups of
        ``batch_size``.

        The texts of a group go to the embedder together: one call sorted by length wastes far less
        padding than one call per article.
        """
        if isinstance(articles, Sequence):
            total = len(articles)
        workers = parse_workers(self.workers, total)
        if workers > 1 and PARALLEL_PLATFORM:
            embedder = self._worker_embedder()
            if embedder is not None:
                # The workers embed too: the whole article's work then shares the cores evenly,
                # and no embedding threads here compete with the parsing processes.
                for _article, enrichment, people, vectors in self._enrich_in_processes(
                    articles, workers, batch_size, embedder
                ):
                    article_vector, sentence_vectors = vectors
                    yield Analysis(self._known_names(enrichment), article_vector, sentence_vectors, people)
                return
            enriched: Iterator[tuple[Article, Enrichment, tuple[Any, ...]]] = (
                (article, enrichment, people)
                for article, enrichment, people, _ in self._enrich_in_processes(
                    articles, workers, batch_size, None
                )
            )
        else:
            enriched = self._enrich_here(articles, batch_size)
        group: list[tuple[Article, Enrichment, tuple[Any, ...]]] = []
        for article, enrichment, people in enriched:
            group.append((article, self._known_names(enrichment), people))
            if len(group) >= batch_size:
                yield from self._with_vectors(group)
                group = []
        if group:
            yield from self._with_vectors(group)

    def _worker_embedder(self) -> Any | None:
        """The embedder worker processes can run (a copy that starts its own session), if any."""
        if not self.vectors:
            return None
        make_copy = getattr(self.embedder, "for_worker", None)
        return make_copy() if callable(make_copy) else None

    def _enrich_here(
        self, articles: Iterable[Article], batch_size: int
    ) -> Iterator[tuple[Article, Enrichment, tuple[Any, ...]]]:
        iterator = iter(articles)
        while chunk := list(islice(iterator, batch_size)):
            for article, (enrichment, people) in zip(chunk, parse_and_enrich(self.nlp, chunk), strict=True):
                yield article, enrichment, people

    def _enrich_in_processes(
        self, articles: Iterable[Article], workers: int, batch_size: int, embedder: Any | None
    ) -> Iterator[tuple[Article, Enrichment, tuple[Any, ...], tuple[Any, Any]]]:
        """Parse and enrich in forked processes, a batch per task, a few batches ahead per process;
        with ``embedder``, the workers also make the vectors.

        The workers send back enrichments, a few kilobytes an article, rather than parsed
        documents, ten times larger and slow to rebuild; this process is left the store. Forked
        workers share the loaded pipeline and need nothing pickled but articles.
        """
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context(FORK)
        # What is loaded now (the pipeline above all) lives as long as the workers: frozen, the
        # workers' garbage collector never walks it, which costs them a millisecond an article.
        gc.freeze()
        try:
            with ProcessPoolExecutor(
                workers, mp_context=context, initializer=_start_worker,
                initargs=(self.nlp, embedder, self.sentence_vectors),
            ) as pool:
                yield from self._run_pool(pool, articles, workers, batch_size)
        finally:
            gc.unfreeze()

    def _run_pool(
        self, pool: Any, articles: Iterable[Article], workers: int, batch_size: int
    ) -> Iterator[tuple[Article, Enrichment, tuple[Any, ...], tuple[Any, Any]]]:
        ahead: deque[tuple[list[Article], Any]] = deque()  # batches and their futures
        iterator = iter(articles)
        size = batch_size if self.sentence_vectors else min(batch_size, WORKER_BATCH)
        while True:
            chunk = list(islice(iterator, size))
            if chunk:
                ahead.append((chunk, pool.submit(_enrich_in_worker, chunk)))
            if ahead and (not chunk or len(ahead) >= AHEAD_PER_WORKER * workers):
                done, future = ahead.popleft()
                for article, (enrichment, people, vectors) in zip(done, future.result(), strict=True):
                    yield article, enrichment, people, vectors
            elif not chunk:
                return

    def _with_vectors(self, group: list[tuple[Article, Enrichment, tuple[Any, ...]]]) -> Iterator[Analysis]:
        if not self.vectors:
            for _, enrichment, people in group:
                yield Analysis(enrichment, None, None, people)
            return
        pairs = [(article, enrichment) for article, enrichment, _ in group]
        vectors = embed_group(self.embedder, pairs, self.sentence_vectors)
        for (_, enrichment, people), (article_vector, sentences) in zip(group, vectors, strict=True):
            yield Analysis(enrichment, article_vector, sentences, people)

    def _known_names(self, enrichment: Enrichment) -> Enrichment:
        if self.store is None:
            return enrichment
        return replace(enrichment, mentions=tuple(self._registry_names(enrichment.mentions)))

    def _registry_names(self, mentions: Iterable[Mention]) -> Iterator[Mention]:
        """A lone surname takes the full name the corpus already knows ("Motegi")."""
        from parallax.enrich.entities import entity_id

        for mention in mentions:
            name = mention.canonical
            if self.store is not None and mention.label == "PERSON" and name and " " not in name:
                known = self.store.people_named(name)
                if len(known) == 1:
                    canonical = known[0]["canonical"]
                    yield Mention(
                        mention.text,
                        mention.label,
                        mention.start,
                        mention.end,
                        canonical,
                        entity_id("PERSON", canonical),
                    )
                    continue
            yield mention


def enrich_doc(article: Article, doc: Any) -> tuple[Enrichment, tuple[Any, ...]]:
    """An article's enrichment from its parse, and the people named in it; names are this
    article's own until :meth:`Enricher._known_names` matches them with the registry's."""
    from parallax.enrich.entities import resolve_entities
    from parallax.enrich.nlp import doc_text
    from parallax.enrich.phrases import noun_phrases
    from parallax.enrich.quantities import find_quantities
    from parallax.enrich.sources import find_sources
    from parallax.enrich.timex import find_times, sentence_event_date
    from parallax.enrich.voices import find_voices

    text = doc_text(doc)
    # A sentence's text is sliced from the text: Span.text would rebuild it token by token.
    bounds = [(span.start_char, span.end_char) for span in doc.sents]
    sentences = tuple(
        Sentence(index=i, start=start, end=end, text=text[start:end])
        for i, (start, end) in enumerate(b for b in bounds if text[b[0] : b[1]].strip())
    )
    entities = resolve_entities(doc)
    times = tuple(find_times(article.text, reference_date(article.published)))
    sentence_times = tuple(
        sentence_event_date([t for t in times if s.start <= t.start < s.end]) for s in sentences
    )
    people = tuple(e for e in entities.entities.values() if e.label == "PERSON")
    return Enrichment(
        article_id=article.id,
        sentences=sentences,
        mentions=tuple(entities.mentions),
        voices=tuple(find_voices(doc, entities)),
        sources=tuple(find_sources(doc, entities)),
        times=times,
        quantities=tuple(find_quantities(doc)),
        sentence_times=sentence_times,
        phrases=tuple(noun_phrases(doc)),
    ), people


def embed_group(
    embedder: Any, group: Sequence[tuple[Article, Enrichment]], sentence_vectors: bool
) -> list[tuple[Any, Any]]:
    """Each article's lead vector, and its sentence vectors when asked (else ``None``).

    The texts of a group go to the embedder together: one call sorted by length wastes far less
    padding than one call per article.
    """
    texts: list[str] = []
    bounds: list[tuple[int, int]] = []
    for article, enrichment in group:
        first = len(texts)
        texts.append(lead_text(article))
        if sentence_vectors:
            texts.extend(s.text for s in enrichment.sentences)
        bounds.append((first, len(texts)))
    matrix = embedder.embed(texts)
    return [(matrix[a], matrix[a + 1 : b] if sentence_vectors else None) for a, b in bounds]


#: What a worker process sends back per article: enrichment, people, (lead vector, sentence vectors).
_WorkerResult = tuple[Enrichment, tuple[Any, ...], tuple[Any, Any]]

#: The pipeline of a worker process, its embedder (or ``None``) and whether it embeds sentences.
_WORKER_NLP: Any = None
_WORKER_EMBEDDER: Any = None
_WORKER_SENTENCES = False


def parse_and_enrich(nlp: Any, articles: list[Article]) -> list[tuple[Enrichment, tuple[Any, ...]]]:
    """Parse a batch of articles together and enrich each (see :func:`enrich_doc`)."""
    long = {i for i, a in enumerate(articles) if len(a.text) > LONG_TEXT}
    docs = iter(nlp.pipe([a.text for i, a in enumerate(articles) if i not in long],
                         batch_size=len(articles)))
    return [enrich_doc(article, _parse_long(nlp, article.text) if i in long else next(docs))
            for i, article in enumerate(articles)]


#: Longer texts are parsed in pieces: spaCy refuses a text over ``nlp.max_length`` (a million
#: characters), and its parser's memory grows with the length of what it is given.
LONG_TEXT = 200_000


def _parse_long(nlp: Any, text: str) -> Any:
    """One Doc of a very long text, parsed in pieces cut at paragraph breaks (else at a space)
    and joined back, so that every offset still points into the whole text."""
    from spacy.tokens import Doc

    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + LONG_TEXT)
        if end < len(text):
            cut = text.rfind("\n\n", start + LONG_TEXT // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + LONG_TEXT // 2, end)
            end = cut + 1 if cut >= 0 else end
        pieces.append(text[start:end])
        start = end
    doc = Doc.from_docs(list(nlp.pipe(pieces)), ensure_whitespace=False)
    assert doc.text == text
    return doc


def _start_worker(nlp: Any, embedder: Any = None, sentence_vectors: bool = False) -> None:
    global _WORKER_NLP, _WORKER_EMBEDDER, _WORKER_SENTENCES
    from threadpoolctl import threadpool_limits

    # One BLAS thread per process: the workers already fill the cores, and OpenBLAS's own threads
    # on top of them cost a fifth of the throughput.
    threadpool_limits(1)
    _WORKER_NLP = nlp
    _WORKER_EMBEDDER = embedder
    _WORKER_SENTENCES = sentence_vectors


def _enrich_in_worker(articles: list[Article]) -> list[_WorkerResult]:
    enriched = parse_and_enrich(_WORKER_NLP, articles)
    if _WORKER_EMBEDDER is None:
        return [(enrichment, people, (None, None)) for enrichment, people in enriched]
    vectors = embed_group(
        _WORKER_EMBEDDER,
        [(article, enrichment) for article, (enrichment, _) in zip(articles, enriched, strict=True)],
        _WORKER_SENTENCES,
    )
    return [(e, p, v) for (e, p), v in zip(enriched, vectors, strict=True)]


def enrich_store(
    store: Store,
    *,
    ids: Sequence[str] | None = None,
    force: bool = False,
    enricher: Enricher | None = None,
    batch_size: int = 16,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> EnrichReport:
    """Enrich stored articles: the given ids, or all not yet enriched at this version.

    Work is committed per batch, so an interrupted run keeps what it finished and a re-run
    continues where it stopped.
    """
    enricher = enricher or Enricher(store=store)
    if enricher.store is None:
        enricher.store = store
    todo = list(ids) if ids is not None else store.unenriched(0 if force else ENRICHMENT_VERSION)
    if force and ids is None:
        todo = [a.id for a in store.articles()]
    report = EnrichReport()
    if on_total is not None:
        on_total(len(todo))

    def stored() -> Iterator[Article]:
        # Read a batch at a time, as the parser asks for more, so a large store never sits in memory.
        for start in range(0, len(todo), batch_size):
            yield from store.articles(ids=todo[start : start + batch_size])

    model = enricher.embedder.name if enricher.vectors else ""
    analyses = enricher.analyze_many(stored(), batch_size=batch_size, total=len(todo))
    while group := list(islice(analyses, batch_size)):
        with store.transaction():
            for analysis in group:
                save_analysis(store, analysis, model=model)
        report.enriched += len(group)
        if progress is not None:
            progress(len(group))
    return report


def save_analysis(store: Store, analysis: Analysis, *, model: str) -> None:
    """Store an article's enrichment and vectors, and teach the entity registry what it learned."""
    from parallax.enrich.entities import entity_id

    enrichment = analysis.enrichment
    # An entity is named many times in an article: its names go to the registry together.
    named: dict[str, tuple[str, str, set[str]]] = {}
    for mention in enrichment.mentions:
        if mention.entity_id and mention.canonical:
            entry = named.setdefault(mention.entity_id, (mention.canonical, mention.label, set()))
            entry[2].add(mention.text)
    for entity, (canonical, label, aliases) in named.items():
        store.upsert_entity(entity, canonical=canonical, label=_registry_label(label), aliases=aliases)
    for person in analysis.people:
        store.upsert_entity(
            entity_id("PERSON", person.canonical),
            canonical=person.canonical,
            label="PERSON",
            aliases=person.aliases,
            roles=person.roles,
            nationality=person.nationality,
        )
    # Mentions point at registry entries, so the entries go first.
    store.save_enrichment(enrichment, version=ENRICHMENT_VERSION)
    if analysis.article_vector is not None:
        store.save_vectors(enrichment.article_id, "article", model, analysis.article_vector)
    if analysis.sentence_vectors is not None:
        store.save_vectors(enrichment.article_id, "sentences", model, analysis.sentence_vectors)


def _registry_label(label: str) -> str:
    return label if label in {"PERSON", "ORG"} else "PLACE" if label in {"GPE", "LOC", "NORP"} else label
