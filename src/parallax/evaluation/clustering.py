"""Score story clustering on ECB+ and on the AllSides stream, beside a TF-IDF baseline.

ECB+ (``parallax eval clustering --dataset ecbplus DIR``): every document under DIR is clustered
in a fixed pseudo-random order (a hash of its file name, since ECB+ has no publication dates and
file order would hand the clusterer its topics one by one). Stories are scored against the topics
(``topic_*``) and the events inside stories against the two seminal events of each topic
(``subtopic_*``: the ``Necb`` and ``Necbplus`` files of topic N).

AllSides (``--dataset allsides FILE``): the articles of every AllSides story, streamed in date
order (the story's date stands for each article's); the gold cluster is the AllSides story.

The baseline is TF-IDF vectors with average-link agglomerative clustering (scikit-learn, the
``eval`` extra). It has no training procedure of its own, so its distance threshold is the best
one for the data being scored: an upper bound on that baseline, which makes the comparison
generous to it.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from parallax.cluster.signals import RawArticle, Vector
from parallax.errors import DatasetError
from parallax.evaluation.metrics import f1_of
from parallax.text import is_dateline

#: ECB+ topics that the standard split holds out for development; fitting never sees them.
ECB_DEV_TOPICS = frozenset({"2", "5", "12", "18", "21", "23", "34", "35"})
#: AllSides stories before this date are fitting data; later ones are reported apart.
ALLSIDES_FIT_BEFORE = "2021-08-01"

TARGETS = {"topic_bcubed_f1": 0.97, "subtopic_bcubed_f1": 0.85, "bcubed_f1": 0.85}
#: No published figure scores document clustering on these data; the nearest is ECB+'s event
#: coreference (a different task, shown for orientation only), and none exists for AllSides.
ANCHORS: dict[str, dict[str, float]] = {
    "ecbplus": {"event_coreference_conll_f1_gold_mentions_topics_36_45": 85.0},
    "allsides": {},
}

_TOKEN = re.compile(r'<token [^>]*sentence="(\d+)"[^>]*>([^<]*)</token>')
_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?%)\]'])|(\() |(`` |'' )|( n't)")


@dataclass(frozen=True, slots=True)
class Labelled:
    """An article with its gold cluster labels."""

    article: RawArticle
    topic: str
    subtopic: str


# -- readers -----------------------------------------------------------------------------------


def _detokenise(tokens: Sequence[str]) -> str:
    text = " ".join(tokens)
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r" ([,.;:!?%)\]])|([(\[]) | (n't|'s|'re|'ve|'ll|'d)\b", r"\1\2\3", text)
    # "out - of - cycle" and "U. S." as written.
    text = re.sub(r"(?<=\w) - (?=\w)", "-", text)
    return re.sub(r"\b([A-Z])\. (?=[A-Z]\.)", r"\1.", text)


def read_ecbplus(folder: Path) -> list[Labelled]:
    """Documents of ECB+ under ``folder`` (the corpus root, ``ECB+``, or a topic folder)."""
    from parallax.evaluation import dataset_files

    found = []
    for path in dataset_files(folder, ".xml", "the ECB+ corpus folder, its ECB+ folder or a topic folder"):
        match = re.fullmatch(r"(\d+)_(\d+)(ecb|ecbplus)", path.stem)
        if not match:
            continue
        sentences: dict[int, list[str]] = {}
        for token in _TOKEN.finditer(path.read_text(encoding="utf-8")):
            sentences.setdefault(int(token.group(1)), []).append(_unescape(token.group(2)))
        lines = [_detokenise(tokens) for _, tokens in sorted(sentences.items())]
        # ECB+ files of the second event open with the source page's address, tokenised
        # ("http : / / www. ..."): it is no part of the text, and a headline made of it would
        # make every such file look like the others.
        while lines and re.match(r"https?\s*:", lines[0]):
            lines.pop(0)
        if not lines:
            continue
        topic, _, kind = match.groups()
        # The first line of an ECB+ document is its headline in most files, the lead in the rest.
        # Many open with a dateline ("June 06, 2013") instead: read as a headline, a date makes
        # every such file look like the others, so the headline is the first line that is not one
        # and the dateline stays at the top of the text, where a page has it.
        first = next((n for n, line in enumerate(lines[:3]) if not is_dateline(line)), 0)
        rest = lines[:first] + lines[first + 1:]
        article = RawArticle(id=path.stem, title=lines[first], text="\n".join(rest) or lines[first])
        found.append(Labelled(article, topic, f"{topic}{kind}"))
    # Hash order: deterministic, and unrelated to the topics.
    found.sort(key=lambda item: hashlib.sha1(item.article.id.encode()).hexdigest())
    return found


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def read_allsides(path: Path) -> list[Labelled]:
    """AllSides articles in stream order (date, then id); ``path`` is a JSON Lines file or its folder."""
    from parallax.evaluation import dataset_files, read_text

    files = list(dataset_files(path, ".jsonl", "an AllSides JSON Lines file or its folder"))
    seen: set[str] = set()
    found = []
    for file in files:
        for number, line in enumerate(read_text(file).splitlines(), 1):
            if not line.strip():
                continue
            try:
                story = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{file}, line {number}: not JSON ({exc.msg}); expected one "
                                   "AllSides story per line") from exc
            if not isinstance(story, dict):
                raise DatasetError(f"{file}, line {number}: not a JSON object; expected one AllSides "
                                   "story per line")
            news = story.get("news")
            where = f"{file}, line {number}"
            try:
                if isinstance(news, str):
                    news = ast.literal_eval(news)
            except (ValueError, SyntaxError) as exc:
                raise DatasetError(f"{where}: its 'news' field cannot be read ({exc})") from exc
            sides = news or {}
            if not isinstance(sides, dict) or not all(isinstance(v, dict) for v in sides.values()):
                raise DatasetError(f"{where}: its 'news' field is not a mapping of side to article")
            day = (story.get("date") or "")[:10]
            for side in sides.values():
                body = side.get("newBody") or side.get("newsBody") or ""
                if isinstance(body, str) and body.startswith("["):
                    # Paragraphs stored as a Python list literal; a body that merely starts with
                    # a bracket stays the text it is.
                    with contextlib.suppress(ValueError, SyntaxError):
                        body = ast.literal_eval(body)
                if isinstance(body, list):
                    body = "\n\n".join(str(b) for b in body)
                title = str(side.get("newsTitle") or "")
                if not str(body).strip():
                    continue
                article_id = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()[:16]
                if article_id in seen:
                    continue
                seen.add(article_id)
                article = RawArticle(
                    id=article_id, title=title, text=str(body),
                    published=date.fromisoformat(day) if day else None,
                    outlet=side.get("newsSource"), language="en",
                )
                found.append(Labelled(article, str(story.get("id")), day))
    found.sort(key=lambda item: (item.article.published or date.max, item.article.id))
    return found


# -- metrics -----------------------------------------------------------------------------------


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998) of two labelings of the same items."""
    if len(predicted) != len(gold):
        raise ValueError("the two labelings must cover the same items")
    if not gold:
        return 0.0, 0.0, 0.0
    joint = Counter(zip(predicted, gold, strict=True))
    by_predicted = Counter(predicted)
    by_gold = Counter(gold)
    precision = sum(joint[(p, g)] / by_predicted[p] for p, g in zip(predicted, gold, strict=True)) / len(gold)
    recall = sum(joint[(p, g)] / by_gold[g] for p, g in zip(predicted, gold, strict=True)) / len(gold)
    return precision, recall, f1_of(precision, recall)


def adjusted_rand(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985)."""
    n = len(gold)
    if n < 2:
        return 1.0

    def pairs(count: int) -> float:
        return count * (count - 1) / 2

    index = sum(pairs(c) for c in Counter(zip(predicted, gold, strict=True)).values())
    a = sum(pairs(c) for c in Counter(predicted).values())
    b = sum(pairs(c) for c in Counter(gold).values())
    expected = a * b / pairs(n)
    maximum = (a + b) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def scores(prefix: str, predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> dict[str, float]:
    precision, recall, f1 = bcubed(predicted, gold)
    return {
        f"{prefix}bcubed_precision": round(precision, 4), f"{prefix}bcubed_recall": round(recall, 4),
        f"{prefix}bcubed_f1": round(f1, 4), f"{prefix}ari": round(adjusted_rand(predicted, gold), 4),
    }


# -- running -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clustered:
    """Labels of items clustered in their order, with what it took and the article vectors."""

    stories: list[int]
    events: list[tuple[int, int]]
    prepare_s: float  # seconds to embed and extract signals
    cluster_s: float  # seconds to cluster
    others: list[tuple[list[int], list[tuple[int, int]]]]  # labels in the other stream orders
    vectors: list[Vector]  # each article's lead and body vectors summed, unit length


def cluster_labelled(
    items: Sequence[Labelled], *, embedder: str | None = None, cache_dir: Path | None = None,
    model_path: Path | None = None, quiet_days: int | None = None, orders: int = 1,
) -> Clustered:
    """Story and (story, event) labels of ``items`` clustered in their order, and (in the items'
    order) the labels of clustering them again in ``orders - 1`` other, seeded, pseudo-random
    orders."""
    from parallax.cluster.incremental import cluster_signals
    from parallax.cluster.model import load_model
    from parallax.cluster.signals import EmbeddingCache, signals_for
    from parallax.enrich.embed import get_embedder

    model = load_model(model_path)
    chosen = get_embedder(embedder)
    calibration = model.for_embedder(chosen.name)
    cache = EmbeddingCache(chosen, cache_dir)
    started = time.perf_counter()
    signals = signals_for([item.article for item in items], cache)
    cache.save()
    prepared = time.perf_counter()
    clusterer = cluster_signals(signals, model, calibration, quiet_days=quiet_days)
    clustered = time.perf_counter()
    placed = clusterer.assignments()
    stories = [placed[item.article.id][0] for item in items]
    events = [placed[item.article.id] for item in items]
    others = []
    for order in stream_orders(len(signals), orders)[1:]:
        again = cluster_signals([signals[i] for i in order], model, calibration,
                                quiet_days=quiet_days).assignments()
        others.append(([again[item.article.id][0] for item in items],
                       [again[item.article.id] for item in items]))
    vectors = []
    for signal in signals:
        summed = np.asarray(signal.lead, dtype=np.float32) + np.asarray(signal.body, dtype=np.float32)
        vectors.append(summed / max(float(np.linalg.norm(summed)), 1e-9))
    return Clustered(stories, events, prepared - started, clustered - prepared, others, vectors)


def stream_orders(count: int, orders: int) -> list[list[int]]:
    """The given order of ``count`` items and ``orders - 1`` seeded shuffles of it: the orders
    an archive without dates is clustered in, for evaluation and for fitting alike."""
    import random

    found = []
    for seed in range(orders):
        order = list(range(count))
        if seed:
            random.Random(seed).shuffle(order)
        found.append(order)
    return found


def order_spread(
    runs: Sequence[tuple[Sequence[Hashable], Sequence[Hashable]]], golds: Sequence[Sequence[Hashable]],
    subsets: Mapping[str, Sequence[int]],
) -> dict[str, dict[str, float]]:
    """Mean, lowest and highest B-cubed F1 over several stream orders, per subset and level.

    One pass over a stream decides each article once, so the figure moves with the order the
    articles come in; an archive without dates (ECB+) has no natural order to fix it.
    """
    spread: dict[str, dict[str, float]] = {}
    for subset, index in subsets.items():
        for level, gold in zip(("topic", "subtopic"), golds, strict=True):
            values = [bcubed([run[i] for i in index], [gold[i] for i in index])[2]
                      for run in (labels[0] if level == "topic" else labels[1] for labels in runs)]
            spread[f"{subset}_{level}_bcubed_f1"] = {
                "mean": round(sum(values) / len(values), 4), "min": round(min(values), 4),
                "max": round(max(values), 4), "orders": len(values)}
    return spread


def tfidf_baseline(texts: Sequence[str], golds: Mapping[str, Sequence[Hashable]]) -> dict[str, Any]:
    """TF-IDF + average-link agglomerative clustering at the threshold best for each gold level."""
    try:
        # scikit-learn ships no type information.
        from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]
        from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    except ImportError:
        return {"skipped": "scikit-learn is not installed: pip install 'parallax-news[eval]'"}
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(texts)
    dense = matrix.toarray()
    results: dict[str, Any] = {}
    for level, gold in golds.items():
        best: tuple[float, float, list[int]] = (-1.0, 0.0, [])
        for threshold in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97):
            labels = AgglomerativeClustering(
                n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
            ).fit_predict(dense)
            f1 = bcubed(list(labels), gold)[2]
            if f1 > best[0]:
                best = (f1, threshold, [int(label) for label in labels])
        prefix = f"{level}_" if level else ""
        results.update(scores(prefix, best[2], gold))
        results[f"{prefix}distance_threshold"] = best[1]
    return results


#: Smallest topic sizes tried for BERTopic (its default is 10); AllSides stories have 2-4 articles.
BERTOPIC_MIN_SIZES = (2, 3, 5, 10)
BERTOPIC_MISSING = ("not run: BERTopic is not installed. `make test` or `make bench` installs it "
                    "(without PyTorch, which it does not need given vectors), or: pip install "
                    "'parallax-news[baselines]' && pip install --no-deps bertopic==0.17.4")


def bertopic_baseline(
    texts: Sequence[str], vectors: Sequence[Vector], golds: Mapping[str, Sequence[Hashable]],
) -> dict[str, Any]:
    """BERTopic (UMAP, then HDBSCAN) on our article vectors, at the smallest topic size best for
    each gold level, as the TF-IDF baseline gets its best threshold.

    BERTopic leaves the documents it cannot place in no topic (-1); each counts as a story of its
    own, as it would for a user, and ``outlier_share`` says how many there were. BERTopic's own
    remedy, moving each to the topic whose vector is nearest (``reduce_outliers``), is scored
    beside it under ``reduced_*``.
    """
    try:
        from bertopic import BERTopic  # type: ignore[import-untyped]
        from umap import UMAP  # type: ignore[import-untyped]
    except ImportError:
        return {"skipped": BERTOPIC_MISSING}
    # UMAP's neighbour graph needs more documents than neighbours.
    if len(texts) < 20:
        return {"skipped": f"too few documents for BERTopic ({len(texts)}; it needs 20)"}
    embeddings = np.vstack(vectors)
    runs: list[tuple[int, list[int], list[int]]] = []
    for size in BERTOPIC_MIN_SIZES:
        # A fixed seed makes UMAP, and so the baseline, the same on every run.
        reducer = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                       random_state=42, n_jobs=1)
        model = BERTopic(umap_model=reducer, min_topic_size=size, calculate_probabilities=False)
        topics, _ = model.fit_transform(list(texts), embeddings=embeddings)
        found = [int(topic) for topic in topics]
        reduced = found
        if -1 in found and len(set(found)) > 1:
            reduced = [int(topic) for topic in model.reduce_outliers(
                list(texts), found, strategy="embeddings", embeddings=embeddings)]
        runs.append((size, found, reduced))
    results: dict[str, Any] = {}
    for level, gold in golds.items():
        prefix = f"{level}_" if level else ""
        for kind in ("", "reduced_"):
            best: tuple[float, int, list[int]] = (-1.0, 0, [])
            for size, found, reduced in runs:
                labels = reduced if kind else found
                # Documents in no topic are each a story of their own.
                alone = [label if label >= 0 else -2 - i for i, label in enumerate(labels)]
                f1 = bcubed(alone, gold)[2]
                if f1 > best[0]:
                    best = (f1, size, alone)
            for name, value in scores(prefix, best[2], gold).items():
                results[f"{kind}{name}"] = value
            results[f"{kind}{prefix}min_topic_size"] = best[1]
            if not kind:
                chosen = next(found for size, found, _ in runs if size == best[1])
                results[f"{prefix}outlier_share"] = round(chosen.count(-1) / len(chosen), 4)
    return results


def evaluate_clustering(
    path: Path, dataset: str, *, embedder: str | None = None, cache_dir: Path | None = None,
    baselines: bool = True, model_path: Path | None = None, orders: int = 6,
) -> dict[str, Any]:
    """The evaluation record ``{task, dataset, n, metrics, anchors, targets, ...}``.

    On ECB+, ``orders`` streams (the hash order of the metrics, then seeded shuffles) give the
    spread of the figures under ``orders``."""
    if dataset == "ecbplus":
        items = read_ecbplus(path)
    elif dataset == "allsides":
        items = read_allsides(path)
    else:
        raise DatasetError(f"unknown dataset {dataset!r}: use ecbplus or allsides")
    if not items:
        layout = ("ECB+ documents (<topic>_<n>ecb.xml, <topic>_<n>ecbplus.xml)" if dataset == "ecbplus"
                  else "AllSides stories (JSON Lines with a 'news' field)")
        raise DatasetError(f"no {dataset} documents found in {path}: expected {layout}")
    run = cluster_labelled(items, embedder=embedder, cache_dir=cache_dir, model_path=model_path,
                           orders=orders if dataset == "ecbplus" else 1)
    stories, events, prepare_s, cluster_s, others = (
        run.stories, run.events, run.prepare_s, run.cluster_s, run.others)
    metrics: dict[str, Any] = {}
    result: dict[str, Any] = {"task": "clustering", "dataset": dataset, "n": len(items)}
    if dataset == "ecbplus":
        topics = [item.topic for item in items]
        subtopics = [item.subtopic for item in items]
        metrics.update(scores("topic_", stories, topics))
        metrics.update(scores("subtopic_", events, subtopics))
        metrics["stories"] = len(set(stories))
        metrics["events"] = len(set(events))
        dev = [i for i, item in enumerate(items) if item.topic in ECB_DEV_TOPICS]
        rest = [i for i, item in enumerate(items) if item.topic not in ECB_DEV_TOPICS]
        result["splits"] = {
            name: {**scores("topic_", [stories[i] for i in idx], [topics[i] for i in idx]),
                   **scores("subtopic_", [events[i] for i in idx], [subtopics[i] for i in idx]),
                   "n": len(idx)}
            for name, idx in (("dev_topics", dev), ("other_topics", rest)) if idx
        }
        if others:
            subsets = {"all": range(len(items)), "dev_topics": dev, "other_topics": rest}
            result["orders"] = order_spread([(stories, events), *others], (topics, subtopics),
                                            {k: v for k, v in subsets.items() if v})
        golds: dict[str, Sequence[Hashable]] = {"topic": topics, "subtopic": subtopics}
        targets = {k: v for k, v in TARGETS.items() if k.startswith(("topic", "subtopic"))}
    else:
        gold = [item.topic for item in items]
        metrics.update(scores("", stories, gold))
        metrics["stories"] = len(set(stories))
        metrics["gold_stories"] = len(set(gold))
        fit = [i for i, item in enumerate(items) if item.subtopic < ALLSIDES_FIT_BEFORE]
        later = [i for i, item in enumerate(items) if item.subtopic >= ALLSIDES_FIT_BEFORE]
        # Stories are clustered in one stream; scoring the later part alone shows the figure on
        # stories the fitting never saw.
        result["splits"] = {
            name: {**scores("", [stories[i] for i in idx], [gold[i] for i in idx]), "n": len(idx)}
            for name, idx in (("fit_period", fit), ("held_out_period", later)) if idx
        }
        golds = {"": gold}
        targets = {"bcubed_f1": TARGETS["bcubed_f1"]}
    metrics["articles_per_second_clustering"] = round(len(items) / max(cluster_s, 1e-9), 1)
    result["metrics"] = metrics
    result["anchors"] = dict(ANCHORS[dataset])
    result["targets"] = targets
    result["seconds"] = {"signals": round(prepare_s, 2), "clustering": round(cluster_s, 2)}
    if baselines:
        texts = [f"{item.article.title}\n{item.article.text}" for item in items]
        result["baselines"] = {"tfidf_agglomerative": tfidf_baseline(texts, golds),
                               "bertopic": bertopic_baseline(texts, run.vectors, golds)}
    return result

