"""The SQLite store.

All SQL lives in this package so that a second backend (PostgreSQL) can stand behind the same
:class:`Store` methods. SQLite runs in WAL mode: readers are not blocked by the single writer, and
an interrupted write (even ``kill -9``) leaves the last committed state.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from parallax.errors import InputError, NotFoundError, StoreError
from parallax.model import Article, Enrichment, QuarantineEntry, Story, iso, parse_iso, utcnow
from parallax.store.schema import MIGRATIONS

SCHEMA_VERSION = len(MIGRATIONS)

#: A search holds at most this many words: each one is another pass over the full-text index.
MAX_QUERY_WORDS = 32
_ARTICLE_COLUMNS = (
    "id, outlet, country, language, url, published, modified, title, byline, text, source, "
    "ingested, metadata, syndicated_of, syndication_similarity"
)


def default_db_path() -> Path:
    """``$PARALLAX_DB`` when set, else ``./parallax.db``."""
    return Path(os.environ.get("PARALLAX_DB") or "parallax.db")


def sort_key(value: date | None) -> str | None:
    """An ordering key: aware datetimes in UTC, naive ones and dates as written."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None).isoformat()
    return value.isoformat()


class Store:
    """Articles, their raw inputs, quarantine and indexes, in one SQLite file."""

    def __init__(self, path: str | Path | None = None, *, memory: bool = False, create: bool = True) -> None:
        """Open the store at ``path`` (default ``./parallax.db`` or ``$PARALLAX_DB``), upgrading an
        older schema. With ``create=False`` a missing (or empty) file is an error rather than a new
        store: commands that only read must not turn a mistyped path into an empty store."""
        if memory:
            self.path: Path | None = None
            target = ":memory:"
        else:
            self.path = Path(path) if path is not None else default_db_path()
            if self.path.parent and not self.path.parent.exists():
                raise StoreError(
                    f"folder {self.path.parent} does not exist; create it or choose another --db"
                )
            target = str(self.path)
            if not create and (not self.path.is_file() or self.path.stat().st_size == 0):
                raise StoreError(
                    f"no store at {self.path}: give --db the path of a store, or make one with "
                    f"`parallax ingest FILES --db {self.path}`"
                )
        try:
            # Autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE.
            self._db = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
            try:
                # Another program's database is refused before anything is set on it (the
                # journal mode would persist in the file).
                self._refuse_foreign()
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute("PRAGMA foreign_keys=ON")
                self._db.execute("PRAGMA busy_timeout=10000")
                self._migrate()
            except BaseException:
                self._db.close()
                raise
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open {target} as a Parallax store: {exc}") from exc
        self._in_transaction = False

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _refuse_foreign(self) -> None:
        """An SQLite file with tables but no schema version is another program's: adding
        Parallax's tables to it would change a file that is not ours."""
        if self.schema_version == 0 and self._db.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchone()[0]:
            raise StoreError(f"{self.path} is an SQLite database of another program, not a Parallax "
                             "store; choose another --db")

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store is at schema version {version}, newer than this Parallax "
                f"({SCHEMA_VERSION}); upgrade Parallax"
            )
        for number in range(version, SCHEMA_VERSION):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of writes; nested calls join the outer one."""
        if self._in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._in_transaction = False

    @contextmanager
    def batch(self, every: int = 200, seconds: float = 1.0) -> Iterator[Batch]:
        """A run of writes committed every ``every`` ticks or ``seconds``, whichever comes first.

        Many small inputs share one transaction (a commit per file would dominate the cost),
        while an interrupted run still loses at most one batch.
        """
        with self.transaction():
            yield Batch(self, every, seconds)

    def _cycle(self) -> None:
        self._db.execute("COMMIT")
        self._db.execute("BEGIN IMMEDIATE")

    # -- raw inputs ----------------------------------------------------------------------------

    def add_raw(self, data: bytes, *, name: str, media_type: str) -> str:
        raw_id = hashlib.sha256(data).hexdigest()
        self._db.execute(
            "INSERT OR IGNORE INTO raw_inputs (id, name, media_type, size, data) VALUES (?, ?, ?, ?, ?)",
            (raw_id, name, media_type, len(data), zlib.compress(data, 6)),
        )
        return raw_id

    def raw(self, article_id: str) -> tuple[bytes, str]:
        """The bytes an article was read from, and their media type."""
        row = self._db.execute(
            "SELECT r.data, r.media_type FROM articles a JOIN raw_inputs r ON r.id = a.raw_id WHERE a.id = ?",
            (self.resolve_id(article_id),),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no raw input is kept for article {article_id}")
        return zlib.decompress(row[0]), str(row[1])

    # -- articles ------------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, article: Article, *, raw_id: str | None = None) -> None:
        self._db.execute(
            "INSERT INTO articles (id, outlet, country, language, url, published, published_sort, modified,"
            " title, byline, text, chars, source, ingested, metadata, raw_id, syndicated_of,"
            " syndication_similarity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id, article.outlet, article.country, article.language, article.url,
                iso(article.published), sort_key(article.published), iso(article.modified),
                article.title, article.byline, article.text, article.chars, article.source,
                iso(article.ingested), json.dumps(dict(article.metadata), ensure_ascii=False, default=str),
                raw_id, article.syndicated_of, article.syndication_similarity,
            ),
        )

    def add_sighting(self, article_id: str, *, source: str, outlet: str | None, url: str | None) -> bool:
        """Record that an exact duplicate of a stored article was seen elsewhere. True if new;
        the article read again from its own source is no sighting."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO sightings (article_id, source, outlet, url, seen) SELECT ?, ?, ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM articles WHERE id = ? AND source = ?)",
            (article_id, source, outlet, url, iso(datetime.now(UTC).replace(microsecond=0)),
             article_id, source),
        )
        return cursor.rowcount > 0

    def sightings(self, article_id: str) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT source, outlet, url, seen FROM sightings WHERE article_id = ? ORDER BY seen, source",
            (article_id,),
        ).fetchall()
        return [{"source": r[0], "outlet": r[1], "url": r[2], "seen": r[3]} for r in rows]

    def resolve_id(self, prefix: str) -> str:
        """A full article id from an id or a unique prefix of one (at least 4 characters)."""
        if self.has_article(prefix):
            return prefix
        if len(prefix) >= 4:
            rows = self._db.execute(
                "SELECT id FROM articles WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
            ).fetchall()
            if len(rows) == 1:
                return str(rows[0][0])
            if len(rows) > 1:
                raise NotFoundError(f"article id prefix {prefix!r} is ambiguous; give more characters")
        if len(prefix) < 4:
            raise NotFoundError(f"no article {prefix!r} in the store: give at least 4 characters of an id "
                                "(list ids with `parallax articles`)")
        raise NotFoundError(f"no article {prefix!r} in the store; list ids with `parallax articles`")

    def article(self, article_id: str) -> Article:
        row = self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (self.resolve_id(article_id),)
        ).fetchone()
        return _article(row)

    def articles(
        self, *, ids: Sequence[str] | None = None, outlet: str | None = None, limit: int | None = None
    ) -> list[Article]:
        """Articles in publication order (undated last), optionally filtered."""
        clauses: list[str] = []
        params: list[Any] = []
        if ids is not None:
            clauses.append(f"id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        if outlet is not None:
            clauses.append("outlet = ?")
            params.append(outlet)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = (
            f"SELECT {_ARTICLE_COLUMNS} FROM articles {where} "
            "ORDER BY published_sort IS NULL, published_sort, rowid"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_article(row) for row in self._db.execute(sql, params)]

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        """All articles in insertion order, read in batches so memory stays flat."""
        last = 0
        while True:
            rows = self._db.execute(
                f"SELECT rowid, {_ARTICLE_COLUMNS} FROM articles WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _article(row[1:])
            last = rows[-1][0]

    def count_articles(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    # -- quarantine ----------------------------------------------------------------------------

    def add_quarantine(self, entry: QuarantineEntry, *, raw_id: str | None = None) -> None:
        # Re-running an ingest on the same bad input refreshes the entry instead of repeating it,
        # and an input that fails for another reason now keeps only the reason it fails for now.
        self._db.execute("DELETE FROM quarantine WHERE input = ? AND reason != ?",
                         (entry.input, entry.reason))
        self._db.execute(
            "INSERT INTO quarantine (input, reason, time, raw_id) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (input, reason) DO UPDATE SET time = excluded.time",
            (entry.input, entry.reason, iso(entry.time), raw_id),
        )

    def clear_quarantine(self, name: str) -> None:
        """Forget the quarantine entries of an input that has now been read."""
        self._db.execute("DELETE FROM quarantine WHERE input = ?", (name,))

    def quarantine(self) -> list[QuarantineEntry]:
        rows = self._db.execute("SELECT input, reason, time FROM quarantine ORDER BY time, id").fetchall()
        return [QuarantineEntry(input=r[0], reason=r[1], time=_datetime(r[2])) for r in rows]

    # -- near-duplicate index ------------------------------------------------------------------

    def add_minhash(self, article_id: str, signature: bytes, band_keys: Iterable[int]) -> None:
        self._db.execute("INSERT OR REPLACE INTO minhash (article_id, signature) VALUES (?, ?)",
                         (article_id, signature))
        self._db.executemany(
            "INSERT INTO minhash_bands (band_key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in band_keys],
        )

    def minhash_candidates(self, band_keys: Sequence[int]) -> list[tuple[str, bytes, str | None]]:
        """Stored articles sharing a band with the given keys: (id, signature, syndicated_of)."""
        if not band_keys:
            return []
        rows = self._db.execute(
            "SELECT DISTINCT m.article_id, m.signature, a.syndicated_of FROM minhash_bands b "
            "JOIN minhash m ON m.article_id = b.article_id JOIN articles a ON a.id = b.article_id "
            f"WHERE b.band_key IN ({','.join('?' * len(band_keys))})",
            list(band_keys),
        ).fetchall()
        return [(str(r[0]), bytes(r[1]), r[2]) for r in rows]

    def syndicated_copies(self, article_id: str) -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM articles WHERE syndicated_of = ? ORDER BY rowid", (article_id,)
        ).fetchall()
        return [str(r[0]) for r in rows]

    # -- enrichment ----------------------------------------------------------------------------

    def save_enrichment(self, enrichment: Enrichment, *, version: int) -> None:
        data = json.dumps(enrichment.to_json(), ensure_ascii=False)
        self._db.execute(
            "INSERT OR REPLACE INTO enrichments (article_id, version, data, created) VALUES (?, ?, ?, ?)",
            (enrichment.article_id, version, data, iso(utcnow())),
        )
        self._db.execute("DELETE FROM entity_mentions WHERE article_id = ?", (enrichment.article_id,))
        self._db.executemany(
            "INSERT OR IGNORE INTO entity_mentions (entity_id, article_id, start, end, text)"
            " VALUES (?, ?, ?, ?, ?)",
            [(m.entity_id, enrichment.article_id, m.start, m.end, m.text)
             for m in enrichment.mentions if m.entity_id],
        )

    def enrichment(self, article_id: str) -> Enrichment | None:
        row = self._db.execute(
            "SELECT data FROM enrichments WHERE article_id = ?", (self.resolve_id(article_id),)
        ).fetchone()
        return Enrichment.from_json(json.loads(row[0])) if row else None

    def enrichments_of(self, article_ids: Sequence[str]) -> dict[str, Enrichment]:
        """The stored enrichments of many articles (by exact id), read in a few queries."""
        found: dict[str, Enrichment] = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT article_id, data FROM enrichments WHERE article_id IN ({marks})"
            rows = self._db.execute(sql, chunk)
            for article_id, data in rows:
                found[str(article_id)] = Enrichment.from_json(json.loads(data))
        return found

    def enriched_before(self, article_ids: Sequence[str], version: int) -> set[str]:
        """Those of ``article_ids`` whose stored enrichment is older than ``version``."""
        found: set[str] = set()
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT article_id FROM enrichments WHERE version < ? AND article_id IN ({marks})"
            found.update(str(row[0]) for row in self._db.execute(sql, (version, *chunk)))
        return found

    def unenriched(self, version: int) -> list[str]:
        """Ids of articles without an enrichment of this version, in publication order."""
        rows = self._db.execute(
            "SELECT a.id FROM articles a LEFT JOIN enrichments e ON e.article_id = a.id "
            "WHERE e.article_id IS NULL OR e.version < ? "
            "ORDER BY a.published_sort IS NULL, a.published_sort, a.rowid",
            (version,),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def save_vectors(self, article_id: str, kind: str, model: str, vectors: Any) -> None:
        import numpy as np

        array = np.asarray(vectors, dtype="<f4")
        if array.ndim == 1:
            array = array[None, :]
        self._db.execute(
            "INSERT OR REPLACE INTO vectors (article_id, kind, model, dim, data) VALUES (?, ?, ?, ?, ?)",
            (article_id, kind, model, int(array.shape[1]) if array.size else 0, array.tobytes()),
        )

    def vector_model(self, article_id: str, kind: str = "article") -> str | None:
        """The embedder that made an article's stored vectors of this kind."""
        row = self._db.execute(
            "SELECT model FROM vectors WHERE article_id = ? AND kind = ?", (article_id, kind)
        ).fetchone()
        return str(row[0]) if row else None

    def vectors(self, article_id: str, kind: str = "article") -> Any:
        """A float32 matrix (one row for ``article``, one per sentence), or None."""
        import numpy as np

        row = self._db.execute(
            "SELECT dim, data FROM vectors WHERE article_id = ? AND kind = ?", (article_id, kind)
        ).fetchone()
        if row is None:
            return None
        dim = int(row[0]) or 1
        return np.frombuffer(row[1], dtype="<f4").reshape(-1, dim)

    def vectors_of(
        self, article_ids: Sequence[str], kinds: Sequence[str]
    ) -> dict[tuple[str, str], tuple[str, Any]]:
        """The stored vectors of ``kinds`` of many articles (by exact id), read in a few queries:
        (article, kind) -> (model, float32 matrix), as :meth:`vector_model` and :meth:`vectors`
        give them one at a time."""
        import numpy as np

        found: dict[tuple[str, str], tuple[str, Any]] = {}
        if not kinds:
            return found
        for chunk in _chunks(article_ids):
            rows = self._db.execute(
                f"SELECT article_id, kind, model, dim, data FROM vectors WHERE kind IN "
                f"({','.join('?' * len(kinds))}) AND article_id IN ({','.join('?' * len(chunk))})",
                [*kinds, *chunk],
            )
            for article_id, kind, model, dim, data in rows:
                matrix = np.frombuffer(data, dtype="<f4").reshape(-1, int(dim) or 1)
                found[(str(article_id), str(kind))] = (str(model), matrix)
        return found

    # -- entity registry -----------------------------------------------------------------------

    def upsert_entity(self, entity_id: str, *, canonical: str, label: str, aliases: Iterable[str] = (),
                      roles: Iterable[str] = (), nationality: str | None = None) -> None:
        """Add an entity or merge new aliases and roles into the known one."""
        row = self._db.execute("SELECT aliases, roles, nationality FROM entities WHERE id = ?",
                               (entity_id,)).fetchone()
        if row is None:
            self._db.execute(
                "INSERT INTO entities (id, canonical, label, aliases, roles, nationality)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (entity_id, canonical, label, json.dumps(sorted(set(aliases))),
                 json.dumps(sorted(set(roles))), nationality),
            )
            return
        known_aliases, known_roles = set(json.loads(row[0])), set(json.loads(row[1]))
        merged_aliases = sorted(known_aliases | set(aliases))
        merged_roles = sorted(known_roles | set(roles))
        if (len(merged_aliases) == len(known_aliases) and len(merged_roles) == len(known_roles)
                and (row[2] is not None or nationality is None)):
            return  # nothing new
        self._db.execute(
            "UPDATE entities SET aliases = ?, roles = ?, nationality = COALESCE(nationality, ?) WHERE id = ?",
            (json.dumps(merged_aliases), json.dumps(merged_roles), nationality, entity_id),
        )

    def people_named(self, word: str) -> list[dict[str, Any]]:
        """Known people whose full name contains ``word`` ("Motegi" -> Toshimitsu Motegi)."""
        rows = self._db.execute(
            "SELECT id, canonical, roles, nationality FROM entities WHERE label = 'PERSON' "
            "AND (' ' || canonical || ' ') LIKE ? COLLATE NOCASE AND canonical LIKE '% %'",
            (f"% {word} %",),
        ).fetchall()
        return [{"id": r[0], "canonical": r[1], "roles": json.loads(r[2]), "nationality": r[3]} for r in rows]

    def entities(self, label: str | None = None) -> list[dict[str, Any]]:
        sql = ("SELECT e.id, e.canonical, e.label, e.aliases, e.roles, e.nationality, COUNT(m.entity_id) "
               "FROM entities e LEFT JOIN entity_mentions m ON m.entity_id = e.id")
        params: list[Any] = []
        if label:
            sql += " WHERE e.label = ?"
            params.append(label)
        sql += " GROUP BY e.id ORDER BY COUNT(m.entity_id) DESC, e.canonical"
        return [
            {"id": r[0], "canonical": r[1], "label": r[2], "aliases": json.loads(r[3]),
             "roles": json.loads(r[4]), "nationality": r[5], "mentions": r[6]}
            for r in self._db.execute(sql, params)
        ]

    def entity(self, entity_id: str) -> dict[str, Any]:
        """One entity by id or a unique prefix of one (at least 4 characters)."""
        pattern = entity_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._db.execute(
            "SELECT id, canonical, label, aliases, roles, nationality FROM entities "
            "WHERE id = ? OR (length(?) >= 4 AND id LIKE ? ESCAPE '\\') LIMIT 2",
            (entity_id, entity_id, pattern),
        ).fetchall()
        exact = [r for r in rows if r[0] == entity_id]
        if len(rows) != 1 and not exact:
            what = "is ambiguous; give more characters" if rows else "is not a known entity"
            raise NotFoundError(f"{entity_id!r} {what}")
        r = exact[0] if exact else rows[0]
        return {"id": r[0], "canonical": r[1], "label": r[2], "aliases": json.loads(r[3]),
                "roles": json.loads(r[4]), "nationality": r[5]}

    def entity_mentions(self, entity_id: str) -> list[dict[str, Any]]:
        """Where an entity is mentioned: article, offsets and wording, in publication order."""
        rows = self._db.execute(
            "SELECT m.article_id, m.start, m.end, m.text FROM entity_mentions m "
            "JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ? "
            "ORDER BY a.published_sort IS NULL, a.published_sort, a.rowid, m.start",
            (entity_id,),
        ).fetchall()
        return [{"article": r[0], "start": r[1], "end": r[2], "text": r[3]} for r in rows]

    # -- stories -------------------------------------------------------------------------------

    def save_stories(
        self, stories: Iterable[Any], memberships: Iterable[tuple[str, str, int, int, str | None]],
        *, removed: Iterable[str] = (), replace: bool = False,
    ) -> None:
        """Write story records and (article, story, event, seq, copy_of) rows in one transaction.

        ``replace`` drops every stored story first (a rebuild); otherwise the given stories are
        updated in place and those in ``removed`` (merged into another) are deleted.
        """
        now = iso(utcnow())
        stories = list(stories)
        memberships = list(memberships)
        with self.transaction():
            gone = list(removed)
            # Who held what before, for the stories this write may drop: their ids become aliases.
            before: dict[str, set[str]] = defaultdict(set)
            if replace or gone:
                query = "SELECT article_id, story_id FROM story_articles"
                if not replace:
                    query += f" WHERE story_id IN ({','.join('?' * len(gone))})"
                for article_id, story_id in self._db.execute(query, () if replace else gone):
                    before[str(story_id)].add(str(article_id))
            if replace:
                self._db.execute("DELETE FROM story_articles")
                self._db.execute("DELETE FROM stories")
            if gone:
                marks = ",".join("?" * len(gone))
                self._db.execute(f"DELETE FROM story_articles WHERE story_id IN ({marks})", gone)
                self._db.execute(f"DELETE FROM stories WHERE id IN ({marks})", gone)
            for story in stories:
                self._db.execute(
                    "INSERT OR REPLACE INTO stories (id, title, start, end, data, model, updated)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (story.id, story.title, iso(story.start), iso(story.end),
                     json.dumps(story.to_json(), ensure_ascii=False), story.model, now),
                )
            self._db.executemany(
                "INSERT OR REPLACE INTO story_articles (article_id, story_id, event, seq, copy_of)"
                " VALUES (?, ?, ?, ?, ?)",
                memberships,
            )
            if before:
                self._alias_vanished(before)

    def _alias_vanished(self, before: Mapping[str, set[str]]) -> None:
        """Point each story id that no longer exists at the story holding most of its articles,
        and re-point aliases that led to it; a story id that exists again is no alias."""
        wanted = sorted(set().union(*before.values()))
        now_of: dict[str, str] = {}
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks})", part)
            now_of.update((str(a), str(s)) for a, s in rows)
        olds = sorted(before)
        present: set[str] = set()
        for chunk in range(0, len(olds), 500):
            part = olds[chunk : chunk + 500]
            rows = self._db.execute(f"SELECT id FROM stories WHERE id IN ({','.join('?' * len(part))})", part)
            present.update(str(r[0]) for r in rows)
        moved: list[tuple[str, str]] = []  # (old id, the story holding most of its articles)
        for old_id, articles in before.items():
            if old_id in present:
                continue
            held = Counter(now_of[a] for a in articles if a in now_of)
            if held:
                moved.append((old_id, max(held, key=lambda s: (held[s], s))))
        # Aliases that led to a retired id lead on to where it went (an index seek each).
        self._db.executemany("UPDATE story_aliases SET story_id = ? WHERE story_id = ?",
                             [(target, old_id) for old_id, target in moved])
        self._db.executemany("INSERT OR REPLACE INTO story_aliases (id, story_id) VALUES (?, ?)", moved)
        self._db.execute("DELETE FROM story_aliases WHERE id IN (SELECT id FROM stories)")

    def story_alias(self, story_id: str) -> str | None:
        """The current id of a story once known as ``story_id``, if a rebuild renamed it."""
        row = self._db.execute("SELECT story_id FROM story_aliases WHERE id = ?", (story_id,)).fetchone()
        return str(row[0]) if row else None

    def stories(self) -> list[Story]:
        """Every story, latest first (then by id)."""
        rows = self._db.execute(
            "SELECT data FROM stories ORDER BY start IS NULL, start DESC, id").fetchall()
        return [Story.from_json(json.loads(row[0])) for row in rows]

    def story(self, story_id: str) -> Story:
        """One story by id or a unique prefix of one."""
        rows = self._db.execute(
            "SELECT data FROM stories WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
            (story_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        ).fetchall()
        if not rows and (renamed := self.story_alias(story_id)) is not None:
            # A link made before a rebuild renamed the story still finds it.
            rows = self._db.execute("SELECT data FROM stories WHERE id = ?", (renamed,)).fetchall()
        if len(rows) != 1:
            what = "is ambiguous; give more characters" if rows else "is not a stored story"
            raise NotFoundError(f"{story_id!r} {what}; list stories with `parallax stories`")
        return Story.from_json(json.loads(rows[0][0]))

    def story_memberships(self) -> list[tuple[str, str, int, int, str | None]]:
        """(article, story, event, seq, copy_of) rows in the order the clusterer met the articles."""
        rows = self._db.execute(
            "SELECT article_id, story_id, event, seq, copy_of FROM story_articles ORDER BY seq").fetchall()
        return [(str(r[0]), str(r[1]), int(r[2]), int(r[3]), r[4]) for r in rows]

    def story_of(self, article_id: str) -> str | None:
        """The id of the story an article belongs to, if it has been clustered."""
        row = self._db.execute(
            "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return str(row[0]) if row else None

    # -- browsing and search -------------------------------------------------------------------

    def find_stories(
        self, *, outlet: str | None = None, country: str | None = None, language: str | None = None,
        since: date | None = None, until: date | None = None, query: str | None = None,
        sort: str = "recent", limit: int = 50, offset: int = 0,
    ) -> tuple[list[Story], int]:
        """A page of stories and the number matching. Article filters keep the stories with at
        least one article that passes them all; ``since``/``until`` keep the stories whose span
        overlaps the range; ``query`` is words to find in titles and texts (all of them).

        ``sort``: ``recent`` (the order of :meth:`stories`), ``size`` (most articles first) or
        ``diversity`` (most independent outlets first).
        """
        orders = {
            "recent": "s.start IS NULL, s.start DESC, s.id",
            "size": "json_array_length(s.data, '$.article_ids') DESC, s.start DESC, s.id",
            "diversity": "json_extract(s.data, '$.independent_outlets') DESC, "
                         "json_array_length(s.data, '$.article_ids') DESC, s.start DESC, s.id",
        }
        if sort not in orders:
            raise ValueError(f"unknown sort {sort!r}: use {', '.join(orders)}")
        clauses: list[str] = []
        params: list[Any] = []
        inner, inner_params = self._article_filters(outlet=outlet, country=country, language=language,
                                                    query=query)
        if inner is None:
            return [], 0
        if inner:
            clauses.append(
                "s.id IN (SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id"
                f" WHERE {' AND '.join(inner)})"
            )
            params.extend(inner_params)
        # An undated story has no span, so it overlaps no range (as undated articles match none).
        if since is not None:
            clauses.append("s.end >= ?")
            params.append(since.isoformat())
        if until is not None:
            clauses.append("s.start <= ?")
            params.append(until.isoformat())
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._db.execute(
            f"SELECT s.data, COUNT(*) OVER () FROM stories s {where} ORDER BY {orders[sort]} "
            "LIMIT ? OFFSET ?",
            [*params, max(0, int(limit)), max(0, int(offset))],
        ).fetchall()
        if not rows and offset:
            total = int(self._db.execute(f"SELECT COUNT(*) FROM stories s {where}", params).fetchone()[0])
            return [], total
        return [Story.from_json(json.loads(r[0])) for r in rows], int(rows[0][1]) if rows else 0

    def find_articles(
        self, *, outlet: str | None = None, country: str | None = None, language: str | None = None,
        since: date | None = None, until: date | None = None, query: str | None = None,
        limit: int = 50, offset: int = 0,
    ) -> tuple[list[Article], int]:
        """A page of articles in publication order (undated last) and the number matching."""
        clauses, params = self._article_filters(outlet=outlet, country=country, language=language,
                                                query=query)
        if clauses is None:
            return [], 0
        # The day as published, in the zone of publication: the day pages show and stories span.
        if since is not None:
            clauses.append("substr(a.published, 1, 10) >= ?")
            params.append(since.isoformat())
        if until is not None:
            clauses.append("substr(a.published, 1, 10) <= ?")
            params.append(until.isoformat())
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        total = int(self._db.execute(f"SELECT COUNT(*) FROM articles a {where}", params).fetchone()[0])
        columns = ", ".join(f"a.{c.strip()}" for c in _ARTICLE_COLUMNS.split(","))
        rows = self._db.execute(
            f"SELECT {columns} FROM articles a {where} "
            "ORDER BY a.published_sort IS NULL, a.published_sort, a.rowid LIMIT ? OFFSET ?",
            [*params, max(0, int(limit)), max(0, int(offset))],
        ).fetchall()
        return [_article(row) for row in rows], total

    def search(
        self, query: str, *, limit: int = 20, offset: int = 0
    ) -> tuple[list[tuple[Article, str]], int]:
        """Articles whose title or text holds every word of ``query``, best match first, each with
        a snippet of its text. In the snippet, U+0002 and U+0003 mark where a match starts and
        ends, so that a renderer can escape the text first and mark the matches after."""
        match, runs = search_terms(query)
        if match is None and not runs:
            return [], 0
        columns = ", ".join(f"a.{c.strip()}" for c in _ARTICLE_COLUMNS.split(","))
        within = "".join(f" AND {_IN_TEXT}" for _ in runs)
        page = [max(0, int(limit)), max(0, int(offset))]
        if match is None:
            # Only words of a script written without spaces: found as substrings, latest first.
            where = f"WHERE 1 {within}"
            total = int(self._db.execute(f"SELECT COUNT(*) FROM articles a {where}", runs).fetchone()[0])
            rows = self._db.execute(
                f"SELECT {columns} FROM articles a {where} "
                "ORDER BY a.published_sort IS NULL, a.published_sort DESC, a.rowid LIMIT ? OFFSET ?",
                [*runs, *page],
            ).fetchall()
            return [(article, _snippet(article.text, runs)) for article in map(_article, rows)], total
        joined = ("FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                  "WHERE articles_fts MATCH ?")
        total = int(self._db.execute(f"SELECT COUNT(*) {joined}{within}", [match, *runs]).fetchone()[0])
        rows = self._db.execute(
            f"SELECT {columns}, snippet(articles_fts, 1, char(2), char(3), '…', 24) {joined}{within} "
            "ORDER BY articles_fts.rank, a.rowid LIMIT ? OFFSET ?",
            [match, *runs, *page],
        ).fetchall()
        return [(_article(row[:-1]), str(row[-1])) for row in rows], total

    def _article_filters(
        self, *, outlet: str | None, country: str | None, language: str | None, query: str | None,
    ) -> tuple[list[str] | None, list[Any]]:
        """WHERE clauses over ``articles a``; None when the query can match nothing."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (("outlet", outlet), ("country", country), ("language", language)):
            if value:
                clauses.append(f"a.{column} = ? COLLATE NOCASE")
                params.append(value)
        if query is not None and query.strip():
            match, runs = search_terms(query)
            if match is None and not runs:
                return None, []
            if match is not None:
                clauses.append("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
                params.append(match)
            for run in runs:
                clauses.append(_IN_TEXT)
                params.append(run)
        return clauses, params

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Outlets, countries and languages of the stored articles, each with its article count."""
        found: dict[str, list[tuple[str, int]]] = {}
        for column in ("outlet", "country", "language"):
            rows = self._db.execute(
                f"SELECT {column}, COUNT(*) FROM articles WHERE {column} IS NOT NULL AND {column} != '' "
                f"GROUP BY {column} ORDER BY COUNT(*) DESC, {column}"
            ).fetchall()
            found[column] = [(str(r[0]), int(r[1])) for r in rows]
        return found

    def outlet_name(self, outlet: str) -> str | None:
        """The outlet's name as stored: the same spelling if there is one, else one that differs
        only in case (outlet filters ignore case, so "bbc news" finds "BBC News")."""
        row = self._db.execute(
            "SELECT outlet FROM articles WHERE outlet = ? COLLATE NOCASE ORDER BY outlet != ? LIMIT 1",
            (outlet, outlet),
        ).fetchone()
        return str(row[0]) if row else None

    def outlet_spellings(self, outlet: str) -> list[str]:
        """Every stored spelling of an outlet's name that differs from ``outlet`` only in case.

        Read from the outlet index alone; the exact spellings then let other queries seek the index,
        which a case-blind comparison cannot."""
        rows = self._db.execute(
            "SELECT DISTINCT outlet FROM articles INDEXED BY articles_outlet WHERE outlet = ? COLLATE NOCASE",
            (outlet,),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def publishing_days(self, outlet: str) -> list[date]:
        """The days on which an outlet published, in the zone of publication, in order."""
        spellings = self.outlet_spellings(outlet)
        if not spellings:
            return []
        marks = ",".join("?" * len(spellings))
        rows = self._db.execute(
            f"SELECT DISTINCT substr(published, 1, 10) FROM articles WHERE outlet IN ({marks})"
            " AND published IS NOT NULL",
            spellings,
        ).fetchall()
        days = []
        for (day,) in rows:
            try:
                days.append(date.fromisoformat(str(day)))
            except ValueError:
                continue
        return sorted(days)

    def stories_missed(
        self, outlet: str, runs: Sequence[tuple[date, date]], *, limit: int = 50,
    ) -> list[Story]:
        """Stories carried by at least two independent outlets, none of them ``outlet``, dated
        within one of ``runs`` (first and last day of each run of the outlet's publishing days),
        the most widely carried first: in one query, however many runs."""
        if not runs:
            return []
        spellings = self.outlet_spellings(outlet) or [outlet]
        marks = ",".join("?" * len(spellings))
        spans = json.dumps([[first.isoformat(), last.isoformat()] for first, last in runs])
        rows = self._db.execute(
            "SELECT data FROM stories s WHERE json_extract(s.data, '$.independent_outlets') >= 2"
            " AND s.start IS NOT NULL"
            " AND s.id NOT IN (SELECT sa.story_id FROM story_articles sa JOIN articles a"
            f" ON a.id = sa.article_id WHERE a.outlet IN ({marks}))"
            " AND EXISTS (SELECT 1 FROM json_each(?) r WHERE s.start <= json_extract(r.value, '$[1]')"
            " AND (s.end IS NULL OR s.end >= json_extract(r.value, '$[0]')))"
            " ORDER BY json_extract(s.data, '$.independent_outlets') DESC, s.start DESC, s.id LIMIT ?",
            [*spellings, spans, max(0, int(limit))],
        ).fetchall()
        return [Story.from_json(json.loads(r[0])) for r in rows]

    def outlet_span(self, outlet: str) -> tuple[str | None, str | None, int]:
        """First and last publication day of an outlet's articles, and how many it has."""
        row = self._db.execute(
            "SELECT MIN(substr(published, 1, 10)), MAX(substr(published, 1, 10)), COUNT(*) "
            "FROM articles WHERE outlet = ? COLLATE NOCASE",
            (outlet,),
        ).fetchone()
        return row[0], row[1], int(row[2])

    def stories_without(
        self, outlet: str, *, since: str | None = None, until: str | None = None, limit: int = 50,
    ) -> list[Story]:
        """Stories carried by at least two independent outlets, none of them ``outlet``, that
        overlap ``since``..``until`` (the outlet's active days): what it might have missed."""
        clauses = [
            "json_extract(s.data, '$.independent_outlets') >= 2",
            "s.id NOT IN (SELECT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id"
            " WHERE a.outlet = ? COLLATE NOCASE)",
        ]
        params: list[Any] = [outlet]
        if since is not None:
            clauses.append("(s.end IS NULL OR s.end >= ?)")
            params.append(since)
        if until is not None:
            clauses.append("(s.start IS NULL OR s.start <= ?)")
            params.append(until)
        rows = self._db.execute(
            f"SELECT data FROM stories s WHERE {' AND '.join(clauses)} "
            "ORDER BY json_extract(s.data, '$.independent_outlets') DESC, s.start DESC, s.id LIMIT ?",
            [*params, max(0, int(limit))],
        ).fetchall()
        return [Story.from_json(json.loads(r[0])) for r in rows]

    def stories_with_outlet(self, outlet: str, *, limit: int = 100) -> list[Story]:
        """The stories that hold an article of ``outlet``, latest first."""
        rows = self._db.execute(
            "SELECT s.data FROM stories s WHERE s.id IN (SELECT sa.story_id FROM story_articles sa "
            "JOIN articles a ON a.id = sa.article_id WHERE a.outlet = ? COLLATE NOCASE) "
            "ORDER BY s.start IS NULL, s.start DESC, s.id LIMIT ?",
            (outlet, max(0, int(limit))),
        ).fetchall()
        return [Story.from_json(json.loads(r[0])) for r in rows]

    # -- cached comparisons --------------------------------------------------------------------

    def comparison(self, story_id: str, key: str) -> str | None:
        """The cached comparison JSON of a story, if it was made from what ``key`` names."""
        row = self._db.execute(
            "SELECT data FROM comparisons WHERE story_id = ? AND key = ?", (story_id, key)
        ).fetchone()
        return str(row[0]) if row else None

    def comparisons(self, story_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Cached comparisons of these stories: story id -> (key, JSON), whatever their key."""
        found: dict[str, tuple[str, str]] = {}
        ids = list(story_ids)
        for start in range(0, len(ids), 500):  # stay under SQLite's limit on bound parameters
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT story_id, key, data FROM comparisons WHERE story_id IN ({marks})", chunk
            ).fetchall()
            found.update({str(r[0]): (str(r[1]), str(r[2])) for r in rows})
        return found

    def save_comparison(self, story_id: str, key: str, data: str) -> None:
        """Cache a story's comparison JSON, replacing one made from older inputs."""
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO comparisons (story_id, key, data, created) VALUES (?, ?, ?, ?)",
                (story_id, key, data, iso(utcnow())),
            )

    # -- checks --------------------------------------------------------------------------------

    def integrity_check(self) -> str:
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Read-only SQL for tests and power users; writes go through the methods above."""
        return [tuple(row) for row in self._db.execute(sql, params).fetchall()]


class Batch:
    """Handle of :meth:`Store.batch`: call :meth:`tick` after each unit of work."""

    def __init__(self, store: Store, every: int, seconds: float) -> None:
        self._store = store
        self._every = every
        self._seconds = seconds
        self._count = 0
        self._since = time.monotonic()

    def tick(self) -> None:
        self._count += 1
        if self._count >= self._every or time.monotonic() - self._since >= self._seconds:
            self._store._cycle()
            self._count = 0
            self._since = time.monotonic()


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """``items`` in slices small enough for one statement's parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _statements(script: str) -> list[str]:
    # executescript() would commit the open transaction; run statements one by one instead.
    parts, current = [], []
    for line in script.splitlines():
        code = line.split("--", 1)[0]
        current.append(code)
        # A trigger's body holds statements of its own: the trigger ends at its END.
        in_trigger = "CREATE TRIGGER" in " ".join(current).upper()
        if in_trigger and not code.strip().upper().endswith("END;"):
            continue
        if code.rstrip().endswith(";"):
            statement = "\n".join(current).strip()
            if statement.strip(";").strip():
                parts.append(statement)
            current = []
    if "".join(current).strip():
        parts.append("\n".join(current))
    return parts


#: Scripts written without spaces between words (Chinese, Japanese kana, Thai) and Korean, whose
#: particles join the noun ("서울에서"): the full-text index holds a whole run of them as one
#: token, so a word of theirs is looked for as a substring instead.
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f]")


#: An article whose title or text holds a string (a word of a script without spaces).
_IN_TEXT = "instr(a.title || char(10) || a.text, ?) > 0"
#: A word: letters and digits, and Thai's vowel and tone marks, which are no letters to \w.
_SEARCH_WORD = re.compile(r"[\w\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]+")


def search_terms(text: str) -> tuple[str | None, list[str]]:
    """Words typed by a person as an FTS5 query that finds every word (each quoted, so
    punctuation and FTS5 operators are read as text, never as query syntax), and the words of
    scripts without spaces, to be found as substrings. ``(None, [])`` when there are no words."""
    words = _SEARCH_WORD.findall(text)
    if len(words) > MAX_QUERY_WORDS:
        raise InputError(f"a search of {len(words)} words: search for at most {MAX_QUERY_WORDS} words")
    runs = [word for word in words if _UNSPACED.search(word)]
    spaced = [word for word in words if not _UNSPACED.search(word)]
    return (" ".join(f'"{word}"' for word in spaced) or None), runs


def _snippet(text: str, runs: Sequence[str], width: int = 80) -> str:
    """A snippet around the first of ``runs`` in ``text``, marked as FTS5's snippets are."""
    at, run = min(((text.find(r), r) for r in runs if r in text), default=(-1, ""))
    if at < 0:
        return text[: 2 * width]
    start, end = max(0, at - width), min(len(text), at + len(run) + width)
    return (("…" if start else "") + text[start:at] + "\x02" + run + "\x03"
            + text[at + len(run) : end] + ("…" if end < len(text) else ""))


def _datetime(value: str) -> datetime:
    parsed = parse_iso(value)
    assert isinstance(parsed, datetime)
    return parsed


def _article(row: Sequence[Any]) -> Article:
    return Article(
        id=row[0], outlet=row[1], country=row[2], language=row[3], url=row[4],
        published=parse_iso(row[5]), modified=parse_iso(row[6]), title=row[7] or "", byline=row[8],
        text=row[9], source=row[10], ingested=_datetime(row[11]), metadata=json.loads(row[12] or "{}"),
        syndicated_of=row[13], syndication_similarity=row[14],
    )
