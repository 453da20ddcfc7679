"""The store: schema versions, reopening, raw inputs, id prefixes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from parallax.errors import NotFoundError, StoreError
from parallax.model import Article, Enrichment, article_id
from parallax.store import SCHEMA_VERSION, Store


def test_new_store_is_at_current_version_and_wal(tmp_path: Path) -> None:
    with Store(tmp_path / "p.db") as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.execute("PRAGMA journal_mode")[0][0] == "wal"
    with Store(tmp_path / "p.db") as again:
        assert again.schema_version == SCHEMA_VERSION


def test_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}").connection.close()
    with pytest.raises(StoreError, match="upgrade Parallax"):
        Store(path)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(path)


def test_article_round_trip_and_prefix(tmp_path: Path) -> None:
    text = "A short article about a river accord."
    article = Article(id=article_id(text), text=text, title="Accord", outlet="Example", metadata={"k": [1]})
    with Store(memory=True) as store:
        with store.transaction():
            raw_id = store.add_raw(b"raw bytes", name="x", media_type="text/plain")
            store.add_article(article, raw_id=raw_id)
        loaded = store.article(article.id[:6])
        assert loaded.text == text and loaded.metadata == {"k": [1]}
        assert store.raw(article.id) == (b"raw bytes", "text/plain")
        with pytest.raises(NotFoundError, match="parallax articles"):
            store.article("ffffffff")


def test_transaction_rolls_back(tmp_path: Path) -> None:
    text = "Rolled back."
    with Store(memory=True) as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.add_article(Article(id=article_id(text), text=text))
            raise RuntimeError("boom")
        assert store.count_articles() == 0


def test_identity_ignores_typography() -> None:
    assert article_id("“Hello”  world\n") == article_id('"hello" World')
    assert article_id("Hello world") != article_id("Hello there world")


def test_store_reads_many_as_one_at_a_time(store: Store) -> None:
    ids = []
    for n in range(3):
        article = Article(id=f"a{n}", title=f"Title {n}", text="Text.", published=None)
        store.add_article(article)
        ids.append(article.id)
    store.save_vectors("a0", "article", "m1", np.ones(4, dtype=np.float32))
    store.save_vectors("a1", "story_body", "m2", np.zeros((2, 3), dtype=np.float32))
    store.save_enrichment(Enrichment(article_id="a2"), version=1)
    many = store.vectors_of(ids, ("article", "story_body"))
    assert set(many) == {("a0", "article"), ("a1", "story_body")}
    for (stored_id, kind), (model, matrix) in many.items():
        assert model == store.vector_model(stored_id, kind)
        assert np.array_equal(matrix, store.vectors(stored_id, kind))
    assert store.enrichments_of(ids) == {"a2": store.enrichment("a2")}
    assert store.vectors_of(ids, ()) == {}
    assert store.enrichments_of([]) == {}


def test_search_finds_words_of_scripts_written_without_spaces(tmp_path: Path) -> None:
    # The full-text index holds a run of Chinese or Japanese characters as one token; such words
    # are found inside the run, alone or with words of other scripts.
    texts = {
        "zh": "市政府周二宣布新的交通政策，地铁将延长运营时间。",  # noqa: RUF001  (Chinese punctuation)
        "ja": "東京都は火曜日、新しい交通政策を発表した。Metro の運行時間を延長する。",
        "ko": "서울시는 화요일 새로운 교통 정책을 발표했다.",
        "en": "The city announced a new transport policy on Tuesday.",
    }
    with Store(tmp_path / "s.db") as store:
        for language, text in texts.items():
            store.add_article(Article(id=article_id(text), text=text, source=language, language=language,
                                      title=""))
        def languages(query: str) -> set[str | None]:
            found, total = store.search(query)
            assert total == len(found)
            return {article.language for article, _ in found}

        assert languages("交通") == {"zh", "ja"}
        assert languages("交通 metro") == {"ja"}
        assert languages("교통") == {"ko"}
        assert languages("transport") == {"en"}
        [(_, snippet)] = store.search("地铁")[0]
        assert "\x02地铁\x03" in snippet
        articles, total = store.find_articles(query="政策")
        assert total == 2 and {a.language for a in articles} == {"zh", "ja"}


def test_thai_words_keep_their_marks_in_a_search(tmp_path: Path) -> None:
    from parallax.store.sqlite import search_terms

    flood = "\u0e19\u0e49\u0e33\u0e17\u0e48\u0e27\u0e21"  # one Thai word, with vowel and tone marks
    assert search_terms(flood) == (None, [flood])


def test_a_renamed_story_is_still_found_by_its_old_id(tmp_path: Path) -> None:
    from parallax.model import Story

    with Store(tmp_path / "p.db") as store:
        ids = []
        for n in range(4):
            article = Article(id=article_id(f"text {n}"), text=f"text {n}", source=f"{n}.txt")
            store.add_article(article)
            ids.append(article.id)
        store.save_stories([Story("sfirst", "t", (ids[1], ids[2])), Story("sother", "u", (ids[3],))],
                           [(ids[1], "sfirst", 0, 0, None), (ids[2], "sfirst", 0, 1, None),
                            (ids[3], "sother", 0, 2, None)], replace=True)
        # An earlier article founds the story anew, under its own id.
        store.save_stories([Story("searly", "t", (ids[0], ids[1], ids[2])), Story("sother", "u", (ids[3],))],
                           [(ids[0], "searly", 0, 0, None), (ids[1], "searly", 0, 1, None),
                            (ids[2], "searly", 0, 2, None), (ids[3], "sother", 0, 3, None)], replace=True)
        assert store.story("sfirst").id == "searly"
        # A merge folds that story into another: both old ids lead there.
        store.save_stories([Story("sother", "u", (ids[3], ids[0], ids[1], ids[2]))],
                           [(a, "sother", 0, n, None) for n, a in enumerate((ids[3], *ids[:3]))],
                           removed=["searly"])
        assert store.story("searly").id == "sother" and store.story("sfirst").id == "sother"
        with pytest.raises(NotFoundError):
            store.story("snever")


def test_publishing_days_ignore_case_and_come_once_each(tmp_path: Path) -> None:
    from datetime import date, datetime, timedelta, timezone

    with Store(tmp_path / "p.db") as store:
        zone = timezone(timedelta(hours=9))
        for n, (outlet, when) in enumerate([("Harbour Post", datetime(2024, 3, 1, 23, 30, tzinfo=zone)),
                                            ("harbour post", datetime(2024, 3, 1, 8, 0, tzinfo=zone)),
                                            ("Harbour Post", datetime(2024, 3, 4, 8, 0, tzinfo=zone)),
                                            ("Other Daily", datetime(2024, 3, 2, 8, 0, tzinfo=zone))]):
            text = f"text {n}"
            store.add_article(Article(id=article_id(text), text=text, outlet=outlet, published=when))
        # The day as published, in its own zone (23:30 at +09:00 is 1 March there).
        assert store.publishing_days("HARBOUR POST") == [date(2024, 3, 1), date(2024, 3, 4)]
        assert store.publishing_days("Nobody") == []
