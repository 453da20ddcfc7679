"""Real article texts from the shared data, for throughput benchmarks.

Read by path (``$PARALLAX_DATA`` or ``../shared/data``); nothing is copied into the project.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def data_root() -> Path:
    return Path(os.environ.get("PARALLAX_DATA") or ROOT.parent / "shared" / "data")


@dataclass(frozen=True, slots=True)
class RealArticle:
    dataset: str
    title: str
    text: str
    date: str | None
    outlet: str | None


def _basil(root: Path) -> Iterator[RealArticle]:
    for path in sorted((root / "basil" / "articles").rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [" ".join(p) if isinstance(p, list) else str(p) for p in data.get("body-paragraphs", [])]
        yield RealArticle("basil", data.get("title", ""), "\n\n".join(paragraphs), data.get("date"),
                          data.get("source"))


def _allsides(root: Path) -> Iterator[RealArticle]:
    from parallax.evaluation.clustering import read_allsides

    for item in read_allsides(root / "neus_allsides" / "raw_crawled"):
        article = item.article
        published = article.published.isoformat() if article.published else None
        yield RealArticle("allsides", article.title, article.text, published, article.outlet)


def _fnc1(root: Path) -> Iterator[RealArticle]:
    csv.field_size_limit(1 << 30)
    for name in ("train_bodies.csv", "competition_test_bodies.csv"):
        with (root / "fnc1" / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield RealArticle("fnc1", "", row["articleBody"], None, None)


_TOKEN = re.compile(r'<token [^>]*sentence="(\d+)"[^>]*>([^<]*)</token>')


def _ecbplus(root: Path) -> Iterator[RealArticle]:
    for path in sorted((root / "ecbplus" / "ECB+").rglob("*.xml")):
        sentences: dict[int, list[str]] = {}
        for match in _TOKEN.finditer(path.read_text(encoding="utf-8")):
            sentences.setdefault(int(match.group(1)), []).append(match.group(2))
        text = "\n\n".join(" ".join(tokens) for _, tokens in sorted(sentences.items()))
        yield RealArticle("ecbplus", "", text, None, None)


def real_articles(root: Path | None = None) -> list[RealArticle]:
    root = root or data_root()
    found: list[RealArticle] = []
    for loader in (_allsides, _basil, _ecbplus, _fnc1):
        found.extend(a for a in loader(root) if len(a.text.split()) >= 20)
    return found
