"""Whether two sentences say the same thing, read together by a cross-encoder.

The alignment model (:mod:`parallax.compare.align`) compares two claims through their separate
sentence vectors and shared words: cheap enough for every pair of claims in a story, but blind to
what the two sentences say about each other. A cross-encoder reads both sentences at once. Ours
are fine-tuned on MRPC's training pairs by ``python -m parallax.compare.train_paraphrase`` (the
``train`` extra) and exported to ONNX, so they run on onnxruntime without PyTorch:
all-MiniLM-L6-v2 in int8 (23 MB), or all-mpnet-base-v2 in fp32 (438 MB), stronger and about eight
times the compute. A cheap model can stand in front of a strong
one as its *screen*: pairs the screen is sure of take its answer, and only the rest reach the
strong model, which compare's questions (mostly plain "no"s) then rarely need.

One model ships with the package: the MiniLM, distilled from a fine-tuned all-mpnet-base-v2 on
MRPC train and on AllSides sentence pairs (its record, beside it in ``paraphrase_model/``, says
how; ``make paraphrase-models`` rebuilds it with the same sha256). It ships as its difference from
the MiniLM the default embedder installs (:mod:`parallax.compare.packing`), 2.7 MB instead of 23,
and is rebuilt byte for byte into the cache on first use (about two seconds). Training writes other models to
the install directory (``$PARALLAX_PARAPHRASE_MODEL``, else ``~/.cache/parallax/paraphrase``),
with a JSON record of each file's sha256, the threshold and the screen's bounds. :func:`get_judge`
takes the model the setting names (``none`` turns the cross-encoder off), else the one installed
in the cache, else the shipped one. The judge decides the paraphrase question: whether a claim
that already has a partner in another article takes a second one, and the MRPC evaluation.
Without one those fall back to the alignment model's paraphrase threshold. Which claims state
one fact, a looser question, stays with the alignment model either way.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from parallax.enrich.embed import (
    _SUPPLIER,
    MINILM_MODEL,
    MINILM_TOKENIZER,
    SHA256,
    ModelFileError,
    _clean,
    cpu_session,
    packaged_file,
    sha256_of,
    verify_sha256,
)

MODEL_FILE = "paraphrase_model_v1.json"
ONNX_FILE = "paraphrase-minilm-mrpc.onnx"
ENV_VAR = "PARALLAX_PARAPHRASE_MODEL"
#: Pairs longer than this (both sentences together, in word pieces) are cut; MRPC's longest pair
#: takes about 120.
MAX_TOKENS = 256
#: Judged pairs kept per process, so comparing a story again (the web UI, a re-render) asks the
#: encoder nothing new; past this many the memory starts afresh.
MEMO_SIZE = 100_000


@dataclass(frozen=True, slots=True)
class ParaphraseModel:
    """What the shipped cross-encoder is, how it was made, and where its decision lies."""

    version: int
    onnx_file: str
    sha256: str
    threshold: float
    trained_on: str
    base_model: str
    training: dict[str, Any]
    threshold_fitted_on: str
    #: The model's own tokenizer, in the model directory, with its sha256; empty for the first
    #: MiniLM models, which read the MiniLM tokenizer the default embedder pins.
    tokenizer_file: str = ""
    tokenizer_sha256: str = ""
    #: A cheaper cross-encoder asked first: a model directory of its own, relative to this one.
    #: Pairs it scores below ``screen_low`` (or above ``screen_high``) take its answer, "no" (or
    #: "yes"); only the pairs between reach this model. Empty: every pair reaches this model.
    screen: str = ""
    screen_low: float = 0.0
    screen_high: float = 1.0
    screen_fitted_on: str = ""


#: The cross-encoder that ships with the package, used where no other is set or installed.
PACKAGED_DIR = Path(__file__).with_name("paraphrase_model")
#: The setting's value that turns the cross-encoder off (the alignment model decides alone).
OFF = "none"


def install_dir() -> Path:
    """Where training installs a cross-encoder (``$PARALLAX_PARAPHRASE_MODEL`` or the cache)."""
    configured = os.environ.get(ENV_VAR)
    if configured and configured.strip().lower() != OFF:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "parallax" / "paraphrase"


def model_dir() -> Path | None:
    """Where the cross-encoder in use lives: the directory the setting names, else the cache where
    one is installed there, else the shipped model; None where the setting is ``none``."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return None if configured.strip().lower() == OFF else Path(configured).expanduser()
    cached = install_dir()
    return cached if (cached / MODEL_FILE).is_file() else PACKAGED_DIR


def load_model(directory: Path | None = None) -> ParaphraseModel | None:
    """The record of the cross-encoder in ``directory`` (default :func:`model_dir`), or None where
    there is none."""
    directory = directory or model_dir()
    if directory is None:
        return None
    record = directory / MODEL_FILE
    if not record.is_file():
        return None
    return ParaphraseModel(**json.loads(record.read_text(encoding="utf-8")))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


class ParaphraseJudge:
    """Scores sentence pairs: the probability that the two say the same thing.

    Nothing loads until the first call. The encoder reads a pair in one order; the score is the
    mean over both orders, so ``score(a, b) == score(b, a)``.
    """

    def __init__(self, model_path: str | Path, model: ParaphraseModel,
                 screen: ParaphraseJudge | None = None) -> None:
        self.model = model
        self.screen = screen
        self._path = Path(model_path)
        self._directory = self._path.parent
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Any = None
        self._memo: dict[tuple[str, str], float] = {}
        self._inputs: set[str] = set()

    @property
    def threshold(self) -> float:
        return self.model.threshold

    @property
    def directory(self) -> Path:
        """The model directory this judge reads."""
        return self._directory

    @property
    def weights(self) -> Path:
        """The ONNX file it runs: in its directory, or, for a model shipped as a difference from
        its base, where :meth:`load` rebuilt it."""
        return self._path

    def load(self) -> None:
        """Load the encoder now rather than at the first pair (checks its file's hash)."""
        if self.screen is not None:
            self.screen.load()
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            from tokenizers import Tokenizer

            rebuilt = _rebuilt_weights(self._path, self.model)
            if rebuilt is None:
                verify_sha256(self._path, self.model.sha256)
            else:
                self._path = rebuilt
            if self.model.tokenizer_file:
                tokenizer_file = self._directory / self.model.tokenizer_file
                verify_sha256(tokenizer_file, self.model.tokenizer_sha256)
            else:
                tokenizer_file = packaged_file(MINILM_TOKENIZER)
                verify_sha256(tokenizer_file, SHA256[MINILM_TOKENIZER])
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            # Padding with the model's own pad token: MPNet's is 1, BERT's 0.
            pad = next((t for t in ("[PAD]", "<pad>") if tokenizer.token_to_id(t) is not None), "[PAD]")
            tokenizer.enable_padding(pad_id=tokenizer.token_to_id(pad) or 0, pad_token=pad)
            self._tokenizer = tokenizer
            # Asked a pair at a time, between calls of the sentence embedder: no spinning threads.
            self._session = cpu_session(self._path, spinning=False)
            self._inputs = {i.name for i in self._session.get_inputs()}

    def _logits(self, pairs: list[tuple[str, str]], batch_size: int) -> np.ndarray:
        out = np.empty(len(pairs), dtype=np.float64)
        # Pairs of similar length share a batch, to waste less work on padding.
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            encodings = self._tokenizer.encode_batch([pairs[i] for i in chosen])
            feed = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            }
            if "token_type_ids" in self._inputs:  # BERT-style models; MPNet has no token types
                feed["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
            (logits,) = self._session.run(["logits"], feed)
            out[chosen] = np.asarray(logits, dtype=np.float64).reshape(-1)
        return out

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """One probability per pair, in the order given."""
        if not pairs:
            return np.zeros(0)
        self.load()
        keys = [_key(a, b) for a, b in pairs]
        todo = sorted({key for key in keys if key not in self._memo})
        if todo:
            # One pair per call, its two orders together (one length, so no padding). The int8
            # encoder quantises each call's activations at one range, so pairs sharing a call
            # would move each other's scores (by up to 0.24 on MRPC, flipping 9 decisions in
            # 600): alone, a pair gets the same answer whatever else is being compared.
            scores = []
            for a, b in todo:
                forward, backward = self._logits([(a, b), (b, a)], 2)
                scores.append(float(_sigmoid(np.array([(forward + backward) / 2.0]))[0]))
            if len(self._memo) + len(todo) > MEMO_SIZE:
                self._memo.clear()
            self._memo.update(zip(todo, scores, strict=True))
        return np.array([self._memo[key] for key in keys], dtype=np.float64)

    def clear_memo(self) -> None:
        """Forget the pairs judged so far (benchmarks time the encoder, not the memory)."""
        self._memo.clear()
        if self.screen is not None:
            self.screen.clear_memo()

    def route(self, pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
        """(decisions, asked): whether each pair is a paraphrase, and whether this model was asked
        (True for every pair without a screen; with one, only for the pairs it left open)."""
        if not pairs:
            return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
        if self.screen is None:
            decided = self.probabilities(pairs) >= self.threshold
            return decided, np.ones(len(pairs), dtype=bool)
        first = self.screen.probabilities(pairs)
        decided = first > self.model.screen_high
        asked = (first >= self.model.screen_low) & ~decided
        chosen = np.flatnonzero(asked)
        if chosen.size:
            answers = self.probabilities([pairs[int(i)] for i in chosen])
            decided[chosen] = answers >= self.threshold
        return decided, asked

    def decisions(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Whether each pair is a paraphrase: the screen's answer where it is sure, else this
        model's at its fitted threshold."""
        return self.route(pairs)[0]

    def same(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` are paraphrases (:meth:`decisions` for one pair)."""
        return bool(self.decisions([(a, b)])[0])


def _key(a: str, b: str) -> tuple[str, str]:
    # The score is symmetric, so a pair and its reverse share one entry. Cleaned as the embedder
    # cleans: a lone surrogate or a NUL cannot cross into the Rust tokenizer intact.
    first, second = _clean(a), _clean(b)
    return (first, second) if first <= second else (second, first)


def _rebuilt_weights(path: Path, model: ParaphraseModel) -> Path | None:
    """Where ``path`` is missing and a recipe lies beside it: the file rebuilt from the recipe and
    the base model into the cache (once: later loads find it there), its hash checked; else None."""
    from parallax.compare.packing import recipe_path, unpack

    recipe = recipe_path(path)
    if path.is_file() or not recipe.is_file():
        return None
    user = os.environ.get("USER") or os.environ.get("USERNAME") or "user"
    for folder in (Path.home() / ".cache" / "parallax" / "packed",
                   Path(tempfile.gettempdir()) / f"parallax-packed-{user}"):
        built = folder / model.sha256[:16] / path.name
        try:
            if built.is_file() and sha256_of(built) == model.sha256:
                return built
            unpack(recipe, packaged_file(MINILM_MODEL), built)
            verify_sha256(built, model.sha256)
            return built
        except OSError:
            continue  # an unwritable cache: the next place
        except ValueError as exc:
            raise ModelFileError(
                f"{recipe}: {exc}; reinstall parallax and {_SUPPLIER[MINILM_MODEL]}") from exc
    raise ModelFileError(f"{path}: no writable place to rebuild the model from {recipe}")


def judge_in(directory: Path) -> ParaphraseJudge | None:
    """The judge whose record is in ``directory``, with its screen where it names one; None where
    there is no record."""
    model = load_model(directory)
    if model is None:
        return None
    screen = None
    if model.screen:
        screen = judge_in(directory / model.screen)
        if screen is None:
            raise ModelFileError(
                f"{directory / model.screen}: the screen model named in {directory / MODEL_FILE} is "
                f"missing; run python -m parallax.compare.train_paraphrase --screen DIR again"
            )
    return ParaphraseJudge(directory / model.onnx_file, model, screen)


@cache
def get_judge() -> ParaphraseJudge | None:
    """The judge in use (see :func:`model_dir`), one per process; None where the setting turns it
    off or names a directory with no model."""
    directory = model_dir()
    return None if directory is None else judge_in(directory)
