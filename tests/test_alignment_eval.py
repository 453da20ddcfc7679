"""Claim alignment judged on ECB+: the reader, the scoring, and a floor on development topics."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from parallax.compare.align import load_model
from parallax.errors import DatasetError
from parallax.evaluation.alignment import (
    DocumentPair,
    document_pairs,
    fit_fact_threshold,
    read_event_sentences,
    score,
)


def _document(name: str, sentences: Sequence[Sequence[str]], events: dict[int, str]) -> str:
    """A small file in ECB+'s layout: tokens, one action mention per listed sentence, and the
    cross-document relation naming its event instance."""
    tokens, markables, relations = [], [], []
    t_id = 0
    first_token: dict[int, int] = {}
    for number, words in enumerate(sentences):
        for position, word in enumerate(words):
            t_id += 1
            first_token.setdefault(number, t_id)
            tokens.append(f'<token t_id="{t_id}" sentence="{number}" number="{position}">{word}</token>')
    for m_id, (number, instance) in enumerate(sorted(events.items()), start=1):
        anchor = f'<token_anchor t_id="{first_token[number]}"/>'
        markables.append(f'<ACTION_OCCURRENCE m_id="{m_id}"  >\n  {anchor}\n</ACTION_OCCURRENCE>')
        relations.append(f'<CROSS_DOC_COREF r_id="{m_id}" note="{instance}" >\n  <source m_id="{m_id}" />\n'
                         f'  <target m_id="{m_id + 100}" />\n</CROSS_DOC_COREF>')
    return (f'<Document doc_name="{name}.xml" doc_id="x">\n' + "\n".join(tokens)
            + "\n<Markables>\n" + "\n".join(markables) + "\n</Markables>\n<Relations>\n"
            + "\n".join(relations) + "\n</Relations>\n</Document>\n")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    topic = tmp_path / "ECB+" / "40"
    topic.mkdir(parents=True)
    (topic / "40_1ecb.xml").write_text(_document("40_1ecb", [
        ["A", "storm", "hit", "the", "coast", "on", "Monday", "."],
        ["The", "mayor", "praised", "the", "rescue", "teams", "."],
        ["Unrelated", "words", "about", "a", "football", "match", "."],
    ], {0: "ACT1", 1: "ACT2"}), encoding="utf-8")
    (topic / "40_2ecb.xml").write_text(_document("40_2ecb", [
        ["The", "coast", "was", "hit", "by", "a", "storm", "on", "Monday", "."],
        ["Rescue", "teams", "were", "praised", "by", "the", "mayor", "."],
    ], {0: "ACT1", 1: "ACT2"}), encoding="utf-8")
    (tmp_path / "ECBplus_coreference_sentences.csv").write_text(
        "Topic,File,Sentence Number\n40,1ecb,0\n40,1ecb,1\n40,1ecb,2\n40,2ecb,0\n40,2ecb,1\n",
        encoding="utf-8",
    )
    return tmp_path


def test_reader_keeps_validated_sentences_and_their_events(corpus: Path) -> None:
    sentences = read_event_sentences(corpus)
    assert [(s.document, s.number) for s in sentences] == [
        ("40_1ecb", 0), ("40_1ecb", 1), ("40_1ecb", 2), ("40_2ecb", 0), ("40_2ecb", 1)
    ]
    assert sentences[0].text == "A storm hit the coast on Monday."
    assert [set(s.events) for s in sentences] == [{"ACT1"}, {"ACT2"}, set(), {"ACT1"}, {"ACT2"}]
    assert {s.subtopic for s in sentences} == {"40ecb"}


def test_missing_sentence_list_names_the_fix(tmp_path: Path) -> None:
    (tmp_path / "1").mkdir()
    with pytest.raises(DatasetError, match=r"ECBplus_coreference_sentences\.csv"):
        read_event_sentences(tmp_path / "1")


def test_aligning_the_two_reports(corpus: Path) -> None:
    [pair] = document_pairs(read_event_sentences(corpus))
    assert pair.gold == {(0, 0), (1, 1)}
    assert score([pair], load_model().fact_threshold) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_scores_count_wrong_and_missed_pairs() -> None:
    probability = np.array([[0.9, 0.1], [0.8, 0.2]])
    # (0, 0) is taken and right; (1, 0) is a second partner for column 0, allowed because 0.8 is
    # above the paraphrase threshold, and wrong; (1, 1) is below the threshold and missed.
    pair = DocumentPair("1", probability, frozenset({(0, 0), (1, 1)}))
    assert score([pair], 0.5) == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    threshold, scores = fit_fact_threshold([pair], precision=0.5)
    assert threshold == 0.05 and scores["precision"] >= 0.5


def test_floor_on_development_topics(data_dir: Path) -> None:
    root = data_dir / "ecbplus" / "ECB+"
    pairs = [p for topic in ("2", "12") for p in document_pairs(read_event_sentences(root / topic))]
    scores = score(pairs, load_model().fact_threshold)
    # Measured 0.96 / 0.53 (topic 2) and 0.89 / 0.69 (topic 12).
    assert scores["precision"] >= 0.85
    assert scores["recall"] >= 0.50
