"""The ingest stage: inputs -> readers -> articles in the store, with every item accounted for.

Each input is read and written in transactions of at most ``commit_every`` items, so an
interrupted run (even ``kill -9``) leaves a consistent store and a re-run stores only what is
missing: articles already present are counted as duplicates.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parallax.codes import CodeError, country_code, language_code
from parallax.errors import ConfigError, InputError
from parallax.ingest import dedup
from parallax.ingest.base import Draft, Item, Reader, Rejected, Skipped, Source, looks_binary
from parallax.ingest.inputs import Hints, InputRef, Manifest, expand
from parallax.ingest.language import detect_language
from parallax.model import Article, IngestReport, ItemResult, Outcome, QuarantineEntry, article_id
from parallax.outlets import OutletRegistry
from parallax.store import Store
from parallax.store.sqlite import Batch

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
#: Formats that hold many articles: their file size says nothing about one article's size.
CONTAINER_READERS = {"jsonl", "json", "warc", "feed"}
#: A letter or a digit: a text without one is no article.
_WORD = re.compile(r"[^\W_]")
#: The reader for a fetched page's media type, when its URL has no suffix that names one.
MEDIA_TYPE_READERS = {
    "text/html": "html", "application/xhtml+xml": "html", "application/rss+xml": "feed",
    "application/atom+xml": "feed", "application/rdf+xml": "feed", "application/json": "json",
    "application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "text/plain": "text",
    "application/warc": "warc",
}
#: Detector confidence above which the detected language beats a language the source declares.
LANGUAGE_CONFIDENCE = 0.9


@dataclass(slots=True)
class IngestOptions:
    manifest: Manifest | None = None
    hints: Hints = field(default_factory=Hints)
    registry: OutletRegistry = field(default_factory=OutletRegistry.load)
    max_bytes: int = DEFAULT_MAX_BYTES
    follow: bool = False
    allow_private: bool = False
    encoding: str | None = None
    commit_every: int = 200


ProgressCallback = Callable[[InputRef, IngestReport], None]


def readers(options: IngestOptions, fetcher: object | None = None) -> list[Reader]:
    """The readers, most specific first: the first whose ``sniff`` accepts a source reads it."""
    from parallax.ingest.dated_text import DatedTextReader
    from parallax.ingest.feeds import FeedReader
    from parallax.ingest.html import HtmlReader
    from parallax.ingest.jsonfeed import JsonLinesReader, JsonReader
    from parallax.ingest.warc import WarcReader

    return [
        WarcReader(),
        FeedReader(follow=options.follow, fetcher=fetcher),  # type: ignore[arg-type]
        JsonLinesReader(),
        JsonReader(),
        HtmlReader(),
        DatedTextReader(),
    ]


def ingest(
    names: Sequence[str],
    *,
    store: Store,
    manifest: str | Path | None = None,
    outlet: str | None = None,
    country: str | None = None,
    language: str | None = None,
    registry: OutletRegistry | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    follow: bool = False,
    allow_private: bool = False,
    encoding: str | None = None,
    progress: ProgressCallback | None = None,
    on_inputs: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest files, folders, globs and URLs into ``store``; return the account of every item.

    With no ``names`` and a ``manifest``, the files the manifest lists are ingested.
    """
    options = IngestOptions(
        manifest=Manifest(Path(manifest)) if manifest else None,
        hints=Hints(outlet=outlet, country=_setting(country_code, country),
                    language=_setting(language_code, language)),
        registry=registry or OutletRegistry.load(),
        max_bytes=max_bytes,
        follow=follow,
        allow_private=allow_private,
        encoding=encoding,
    )
    missing: list[InputRef] = []
    if not names and options.manifest is not None:
        listed = options.manifest.files()
        names = [str(p) for p in listed if p.exists()]
        # A row whose file is gone is quarantined with the rest of the batch, not a reason to
        # stop it.
        missing = [InputRef(name=str(p), path=p) for p in listed if not p.exists()]
    if not names and not missing:
        raise InputError("nothing to ingest: name files, folders, globs or URLs, or give --manifest")
    exclude = {options.manifest.path} if options.manifest else set()
    refs, skipped = expand(list(names), exclude=exclude) if names else ([], {})
    refs += missing
    if on_inputs is not None:
        on_inputs(len(refs))
    return Ingestor(store, options).run(refs, skipped=skipped, progress=progress)


def ingest_bytes(
    data: bytes,
    *,
    name: str,
    store: Store,
    registry: OutletRegistry | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> IngestReport:
    """Ingest bytes received from elsewhere (an upload, a JSON object sent to the web API) as if
    they were a file called ``name``: the same readers, deduplication and quarantine."""
    options = IngestOptions(registry=registry or OutletRegistry.load(), max_bytes=max_bytes)
    ingestor = Ingestor(store, options)
    report = IngestReport()
    _ = ingestor.readers
    with store.batch(every=options.commit_every) as batch:
        ingestor.ingest_source(Source(name=name, data=data), report, batch)
    return report


class Ingestor:
    """Runs the ingest of resolved inputs into one store."""

    def __init__(self, store: Store, options: IngestOptions) -> None:
        self.store = store
        self.options = options
        self._fetcher: object | None = None
        self._readers: list[Reader] | None = None

    @property
    def fetcher(self):  # type: ignore[no-untyped-def]  # Fetcher is imported lazily
        if self._fetcher is None:
            from parallax.ingest.fetch import Fetcher

            self._fetcher = Fetcher(allow_private=self.options.allow_private)
        return self._fetcher

    @property
    def readers(self) -> list[Reader]:
        if self._readers is None:
            needs_fetcher = self.options.follow
            self._readers = readers(self.options, self.fetcher if needs_fetcher else None)
        return self._readers

    def run(
        self, refs: Iterable[InputRef], *, skipped: dict[str, int] | None = None,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        report = IngestReport(skipped=dict(skipped or {}))
        # Load the readers up front: a broken installation is an error to report once, not a
        # reason to quarantine every input.
        _ = self.readers
        with self.store.batch(every=self.options.commit_every) as batch:
            for ref in refs:
                self.ingest_one(ref, report, batch)
                if progress is not None:
                    progress(ref, report)
        return report

    # -- one input -----------------------------------------------------------------------------

    def ingest_one(self, ref: InputRef, report: IngestReport, batch: Batch) -> None:
        hints = self.options.hints
        if ref.path is not None and self.options.manifest is not None:
            hints = self.options.manifest.hints_for(ref.path).over(hints)
        self._ingest(ref.name, lambda: self._load(ref, hints), hints, report, batch)

    def ingest_source(self, source: Source, report: IngestReport, batch: Batch) -> None:
        """Ingest bytes that were received rather than read from a path (an upload)."""
        self._ingest(source.name, lambda: source, self.options.hints, report, batch)

    def _ingest(
        self, name: str, load: Callable[[], Source], hints: Hints, report: IngestReport, batch: Batch
    ) -> None:
        first = len(report.items)
        try:
            found = 0
            for item in self._items(load()):
                found += 1
                self._record(item, hints, report)
                batch.tick()
            if not found:
                # An empty list, an object with no articles, a feed without entries: the input
                # is accounted for, not silently counted as nothing.
                raise InputError("holds no articles (an empty list or a feed without entries)")
            # Read now (fixed, or given --encoding): the input as a whole waits for no fix,
            # unless an item of the same name was just quarantined again.
            if not any(i.input == name and i.outcome is Outcome.QUARANTINED for i in report.items[first:]):
                self.store.clear_quarantine(name)
        except InputError as exc:
            self._quarantine(name, _plain(exc), report)
        except Exception as exc:  # a parser bug must not stop the batch; the input is kept aside
            log.exception("unexpected error reading %s", name)
            self._quarantine(name, f"unexpected error while reading: {type(exc).__name__}: {exc}", report)

    def _items(self, source: Source) -> Iterator[Item]:
        reader = self._choose(source)
        if reader is None:
            suffix = Path(source.name).suffix or "(no extension)"
            raise InputError(
                f"unsupported format {suffix}: expected dated text (.txt), JSON (.json/.jsonl), "
                "HTML (.html), an RSS/Atom feed or a WARC archive"
            )
        if reader.name not in {"warc"} and looks_binary(source.data):
            raise InputError("binary content, not text: expected text, JSON, HTML, a feed or a WARC archive")
        if not source.data.strip():
            raise InputError("empty file (whitespace only)")
        if reader.name not in CONTAINER_READERS and len(source.data) > 4 * self.options.max_bytes:
            raise InputError(self._oversized(len(source.data)))
        for item in reader.read(source):
            if isinstance(item, Draft):
                item.metadata.setdefault("reader", reader.name)
            yield item

    def _load(self, ref: InputRef, hints: Hints) -> Source:
        if ref.url is not None:
            fetched: Source = self.fetcher.fetch(ref.url)
            # --encoding first, else the charset the server sent.
            return replace(fetched, encoding=self.options.encoding or fetched.encoding)
        assert ref.path is not None
        try:
            size = ref.path.stat().st_size
            if size == 0:
                raise InputError("empty file (0 bytes)")
            if size > 4 * self.options.max_bytes and not _container_name(ref.path):
                raise InputError(self._oversized(size))
            data = ref.path.read_bytes()
        except FileNotFoundError as exc:
            where = f" (listed in the manifest {self.options.manifest.path})" if self.options.manifest else ""
            raise InputError(f"no such file{where}: restore it or correct its row") from exc
        except OSError as exc:
            raise InputError(f"cannot read the file: {exc.strerror}") from exc
        return Source(name=ref.name, data=data, url=hints.url, encoding=self.options.encoding)

    def _choose(self, source: Source) -> Reader | None:
        # The name's suffix decides first: a .txt bulletin that opens "[Anchor Lead]" is text,
        # not JSON, and a page with a <feedback> element is a page. The longest suffix wins
        # (".jsonl.txt" is JSON Lines).
        lower = source.name.lower()
        named = [(len(s), i) for i, r in enumerate(self.readers) for s in r.suffixes if lower.endswith(s)]
        if named:
            return self.readers[max(named, key=lambda pair: (pair[0], -pair[1]))[1]]
        # Then what a server said it sent; a URL seldom ends in a suffix.
        by_type = MEDIA_TYPE_READERS.get((source.media_type or "").lower())
        for reader in self.readers:
            if reader.name == by_type:
                return reader
        for reader in self.readers:
            if reader.sniff(source):
                return reader
        return None

    def _oversized(self, size: int) -> str:
        return (
            f"oversized: {_size(size)} exceeds the {_size(self.options.max_bytes)} limit per article; "
            "raise it with --max-size if this is really one article"
        )

    # -- one item ------------------------------------------------------------------------------

    def _record(self, item: Item, hints: Hints, report: IngestReport) -> None:
        if isinstance(item, Skipped):
            report.skipped[item.kind] = report.skipped.get(item.kind, 0) + 1
            return
        if isinstance(item, Rejected):
            self._quarantine(item.origin, item.reason, report)
            return
        if not _WORD.search(item.text):  # empty, or only punctuation ("...", "!!!")
            self._quarantine(item.origin, "no article text found", report)
            return
        size = len(item.text.encode("utf-8"))
        if size > self.options.max_bytes:
            self._quarantine(item.origin, self._oversized(size), report)
            return
        try:
            article = self.finalize(item, hints)
        except CodeError as exc:
            self._quarantine(item.origin, f"{exc}; or give --country / --language (or a manifest "
                                          "row) for the input, which the article's own value yields to",
                             report)
            return
        ahead = _days_ahead(article.published)
        if ahead > FUTURE_TOLERANCE_DAYS:
            self._quarantine(item.origin, f"its publication date ({_day_of(article.published)}) is {ahead} "
                                          "days from now: correct the date in the input (a typed year, "
                                          "or a day and month swapped, is the usual cause)", report)
            return
        if self.store.has_article(article.id):
            self.store.add_sighting(article.id, source=item.origin, outlet=article.outlet, url=article.url)
            self.store.clear_quarantine(item.origin)
            report.add(ItemResult(item.origin, Outcome.DUPLICATE, article.id, "same text already stored"))
            return
        print_ = dedup.fingerprint(article.text)
        best: tuple[float, str, str] | None = None
        for candidate, signature, original in self.store.minhash_candidates(print_.band_keys):
            score = dedup.similarity(print_.signature, signature)
            if score >= dedup.THRESHOLD and (best is None or score > best[0]):
                best = (score, original or candidate, candidate)
        if best is not None:
            # Two stories of one outlet under its one footer are no copies; across outlets, a
            # shared body with a rewritten lead is what a wire copy looks like.
            matched = self.store.article(best[2])
            if (article.outlet and article.outlet == matched.outlet
                    and dedup.shared_boilerplate_only(article.text, matched.text)):
                best = None
        if best is not None:
            article = replace(article, syndicated_of=best[1], syndication_similarity=round(best[0], 3))
        raw_id = self.store.add_raw(item.raw, name=item.origin, media_type=item.raw_media_type)
        self.store.add_article(article, raw_id=raw_id)
        self.store.add_minhash(article.id, print_.to_bytes(), print_.band_keys)
        # An input quarantined before and read now (fixed, or given --encoding) is no longer
        # waiting for a fix.
        self.store.clear_quarantine(item.origin)
        report.add(ItemResult(item.origin, Outcome.STORED, article.id))

    def finalize(self, draft: Draft, hints: Hints) -> Article:
        """Settle identity, outlet, country, language and time zone of a draft."""
        registry = self.options.registry
        url = draft.url or hints.url
        known = registry.by_name(hints.outlet) or registry.by_url(url) or registry.by_name(draft.outlet)
        outlet = hints.outlet or (known.name if known else None) or draft.outlet
        # The article's own country must name one (CodeError quarantines it with the fix); its
        # declared language is a hint that detection can do without, so a wrong one is dropped.
        country = hints.country or country_code(draft.country) or (
            known.country if known else None
        ) or _country_of_domain(url)
        detected, confidence = detect_language(draft.text)
        try:
            declared = language_code(draft.language)
        except CodeError:
            declared = None
        language = hints.language or (
            detected if detected and confidence >= LANGUAGE_CONFIDENCE else None
        ) or declared or (known.language if known else None) or detected
        metadata = dict(draft.metadata)
        if detected:
            metadata["language_detected"] = detected
            metadata["language_confidence"] = round(confidence, 3)
        zone = known.timezone if known else None
        return Article(
            id=article_id(draft.text),
            text=draft.text,
            title=draft.title,
            outlet=outlet,
            country=country,
            language=language,
            url=url,
            published=_localize(draft.published, zone),
            modified=_localize(draft.modified, zone),
            byline=draft.byline,
            source=draft.origin,
            metadata=metadata,
        )

    def _quarantine(self, name: str, reason: str, report: IngestReport) -> None:
        self.store.add_quarantine(QuarantineEntry(input=name, reason=reason))
        report.add(ItemResult(name, Outcome.QUARANTINED, reason=reason))


def _size(count: int) -> str:
    """A byte count in the units ``--max-size`` reads (1 MB = 1024 KB): "5MB" reads back as 5 MB."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= factor:
            return f"{count / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def _container_name(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".jsonl", ".ndjson", ".json", ".warc", ".warc.gz", ".arc", ".arc.gz",
                          ".rss", ".atom", ".xml"))


#: Country-code domains used world-wide for other reasons (".io" start-ups, ".tv" channels).
_GENERIC_CC = frozenset({"io", "co", "tv", "me", "fm", "ai", "ly", "cc", "ws", "to", "am", "gg", "so",
                         "sh", "ac", "nu", "tk", "vc", "la", "im", "is"})


def _country_of_domain(url: str | None) -> str | None:
    """The country of an outlet's country-code domain ("bbc.co.uk" -> GB, "spiegel.de" -> DE)."""
    if not url:
        return None
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").rstrip(".")
    suffix = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if len(suffix) != 2 or not suffix.isalpha() or suffix in _GENERIC_CC:
        return None
    try:
        return country_code("GB" if suffix == "uk" else suffix)
    except CodeError:
        return None


#: A publication date up to this many days ahead is taken (time zones, embargoed copy); one
#: further ahead is a typing error that would put the article at the top of every listing.
FUTURE_TOLERANCE_DAYS = 2


def _day_of(value: date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _days_ahead(value: date | None) -> int:
    """Whole days from today to ``value`` (0 or less for the past and for no date)."""
    day = _day_of(value)
    return (day - date.today()).days if day is not None else 0


def _setting(normalise: Callable[[str | None], str | None], value: str | None) -> str | None:
    """A country or language given for every input, as a code; a wrong one stops the run."""
    try:
        return normalise(value)
    except CodeError as exc:
        raise ConfigError(str(exc)) from exc


def _localize(value: date | None, zone: str | None) -> date | None:
    """Attach the outlet's time zone to a naive time; leave aware times and bare dates alone."""
    if isinstance(value, datetime) and value.tzinfo is None and zone:
        try:
            return value.replace(tzinfo=ZoneInfo(zone))
        except ZoneInfoNotFoundError:
            return value
    return value


def _plain(exc: Exception) -> str:
    """The message of one of our errors without its code, for quarantine reasons."""
    text = str(exc)
    return text.split("] ", 1)[1] if text.startswith("[P") and "] " in text else text
