"""The optional paraphrase cross-encoder: where it is found, its file check, how it scores pairs
(on a toy ONNX graph with the real one's inputs and output), its place in claim matching, and the
MRPC evaluation with and without it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from parallax.cli import app
from parallax.compare import paraphrase as P
from parallax.compare.align import AlignModel, match_claims
from parallax.compare.fit import read_mrpc
from parallax.enrich.embed import ModelFileError

#: The alignment model (the decision without a cross-encoder) scores F1 0.835 on the first 600
#: pairs of MRPC's test file; this floor leaves it a small margin.
MRPC_F1_FLOOR = 0.81


def toy_encoder(path: Path) -> None:
    """A graph with the cross-encoder's interface whose logit is 0.01 x (sum of the first
    sentence's word-piece ids - sum of the second's): it depends on the order of the pair, which
    the judge's two-order mean must cancel."""
    from onnx import TensorProto, helper, save

    inputs = [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"])
              for name in ("input_ids", "attention_mask", "token_type_ids")]
    output = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1])
    def constant(name: str, kind: int, dims: list[int], value: float) -> object:
        return helper.make_node("Constant", [], [name], value=helper.make_tensor(name, kind, dims, [value]))

    nodes = [
        constant("two", TensorProto.INT64, [], 2),
        constant("one", TensorProto.INT64, [], 1),
        constant("axis", TensorProto.INT64, [1], 1),
        # sign: +1 for the first sentence (type 0), -1 for the second (type 1)
        helper.make_node("Mul", ["token_type_ids", "two"], ["twice"]),
        helper.make_node("Sub", ["one", "twice"], ["sign"]),
        helper.make_node("Mul", ["input_ids", "attention_mask"], ["kept"]),
        helper.make_node("Mul", ["kept", "sign"], ["signed"]),
        helper.make_node("ReduceSum", ["signed", "axis"], ["total"], keepdims=1),
        helper.make_node("Cast", ["total"], ["real"], to=TensorProto.FLOAT),
        constant("scale", TensorProto.FLOAT, [], 0.01),
        helper.make_node("Mul", ["real", "scale"], ["logits"]),
    ]
    graph = helper.make_graph(nodes, "toy", inputs, [output])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A model directory holding the toy encoder and its record, named by the setting."""
    toy_encoder(tmp_path / P.ONNX_FILE)
    record = {"version": 1, "onnx_file": P.ONNX_FILE,
              "sha256": hashlib.sha256((tmp_path / P.ONNX_FILE).read_bytes()).hexdigest(),
              "threshold": 0.5, "trained_on": "toy", "base_model": "toy", "training": {},
              "threshold_fitted_on": "toy"}
    (tmp_path / P.MODEL_FILE).write_text(json.dumps(record), encoding="utf-8")
    monkeypatch.setenv(P.ENV_VAR, str(tmp_path))
    P.get_judge.cache_clear()
    yield tmp_path
    P.get_judge.cache_clear()


@pytest.fixture
def none_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(P.ENV_VAR, str(tmp_path / "empty"))
    P.get_judge.cache_clear()
    yield tmp_path
    P.get_judge.cache_clear()


def test_without_a_model_there_is_no_judge(none_installed: Path) -> None:
    assert P.model_dir() == none_installed / "empty"
    assert P.load_model() is None and P.get_judge() is None


@pytest.fixture
def nothing_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No setting, and a home whose cache holds no model."""
    monkeypatch.delenv(P.ENV_VAR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    P.get_judge.cache_clear()
    yield tmp_path
    P.get_judge.cache_clear()


def test_the_shipped_model_is_used_where_nothing_else_is_set_or_installed(nothing_set: Path) -> None:
    assert P.model_dir() == P.PACKAGED_DIR
    assert P.install_dir() == nothing_set / ".cache" / "parallax" / "paraphrase"
    judge = P.get_judge()
    assert judge is not None and judge.directory == P.PACKAGED_DIR and judge.screen is None
    # It ships as its difference from the base MiniLM, rebuilt into the cache at load: byte for
    # byte the file recorded.
    assert not (P.PACKAGED_DIR / judge.model.onnx_file).exists()
    judge.load()
    assert judge.weights.is_relative_to(nothing_set / ".cache" / "parallax" / "packed")
    assert hashlib.sha256(judge.weights.read_bytes()).hexdigest() == judge.model.sha256
    # A later process finds it there and rebuilds nothing.
    built = judge.weights.stat().st_mtime_ns
    P.get_judge.cache_clear()
    again = P.get_judge()
    assert again is not None
    again.load()
    assert again.weights == judge.weights and judge.weights.stat().st_mtime_ns == built
    assert 0.0 < judge.threshold < 1.0 and "MRPC train" in judge.model.trained_on


def test_a_damaged_copy_in_the_cache_is_rebuilt(nothing_set: Path) -> None:
    judge = P.get_judge()
    assert judge is not None
    judge.load()
    damaged = bytearray(judge.weights.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    judge.weights.write_bytes(bytes(damaged))
    # The cached copy no longer matches its record: it is rebuilt from the shipped pieces.
    P.get_judge.cache_clear()
    again = P.get_judge()
    assert again is not None
    again.load()
    assert hashlib.sha256(again.weights.read_bytes()).hexdigest() == again.model.sha256


def test_a_model_installed_in_the_cache_comes_before_the_shipped_one_and_none_turns_it_off(
    nothing_set: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = P.install_dir()
    cache.mkdir(parents=True)
    (cache / P.MODEL_FILE).write_text((P.PACKAGED_DIR / P.MODEL_FILE).read_text(encoding="utf-8"),
                                      encoding="utf-8")
    assert P.model_dir() == cache
    monkeypatch.setenv(P.ENV_VAR, "none")
    P.get_judge.cache_clear()
    assert P.model_dir() is None and P.load_model() is None and P.get_judge() is None
    # Training with the cross-encoder off still installs into the cache.
    assert P.install_dir() == cache


def test_the_shipped_model_keeps_its_f1_on_the_held_out_tenth_of_mrpc_train(
    data_dir: Path, nothing_set: Path
) -> None:
    from parallax.compare.train_paraphrase import _f1, split

    # The tenth of MRPC train that no training step saw (the test file is for the benchmark).
    _, held_out = split(read_mrpc(data_dir / "mrpc" / "msr_paraphrase_train.txt"), 0)
    judge = P.get_judge()
    assert judge is not None and len(held_out) == 407
    decided = judge.decisions([(a, b) for _, a, b in held_out])
    gold = np.array([label == 1 for label, _, _ in held_out])
    # Measured 0.885 (the F1 its threshold was fitted at).
    assert _f1(decided, gold) >= 0.87


def test_a_pair_gets_the_same_answer_whatever_it_is_judged_with(data_dir: Path, nothing_set: Path) -> None:
    # The shipped encoder quantises each call's activations at one range: judged in one call,
    # pairs would move each other's scores. Each pair runs alone, so they do not.
    rows = read_mrpc(data_dir / "mrpc" / "msr_paraphrase_train.txt")[:12]
    pairs = [(a, b) for _, a, b in rows]
    judge = P.get_judge()
    assert judge is not None
    together = judge.probabilities(pairs)
    for index, pair in enumerate(pairs):
        judge.clear_memo()
        assert judge.probabilities([pair])[0] == together[index]


def test_the_judge_is_found_through_the_setting(installed: Path) -> None:
    judge = P.get_judge()
    assert judge is not None and judge.threshold == 0.5 and judge.model.onnx_file == P.ONNX_FILE


def test_the_model_file_is_checked_against_its_recorded_hash(installed: Path) -> None:
    model = P.load_model(installed)
    assert model is not None
    (installed / P.ONNX_FILE).write_bytes((installed / P.ONNX_FILE).read_bytes() + b"\0")
    with pytest.raises(ModelFileError, match="sha256"):
        P.ParaphraseJudge(installed / P.ONNX_FILE, model).probabilities([("a", "b")])


def test_a_pair_is_scored_in_both_orders_and_answers_keep_the_callers_order(installed: Path) -> None:
    judge = P.get_judge()
    assert judge is not None
    pairs = [("zebra zebra zebra", "a"), ("apple", "apple pie with cream"), ("x", "y")]
    probability = judge.probabilities(pairs)
    # The toy's logit flips sign with the order of the pair, all but the [CLS] piece (id 101) that
    # always opens the first sentence: the mean of both orders is 0.01 x 101 for every pair.
    assert probability.tolist() == pytest.approx([1 / (1 + np.exp(-1.01))] * 3, abs=1e-5)
    assert judge.probabilities([]).shape == (0,)
    # One order alone is not symmetric, so the test above can tell a one-order judge apart.
    session_input = judge._tokenizer.encode("zebra zebra zebra", "a")
    assert sum(i for i, t in zip(session_input.ids, session_input.type_ids, strict=True) if t == 0) != \
        sum(i for i, t in zip(session_input.ids, session_input.type_ids, strict=True) if t == 1)


def test_judged_pairs_are_remembered_until_cleared(installed: Path) -> None:
    judge = P.get_judge()
    assert judge is not None
    judge.probabilities([("one", "two")])
    assert ("one", "two") in judge._memo
    # The reverse of a remembered pair is the same question.
    judge.probabilities([("two", "one")])
    assert len(judge._memo) == 1
    judge.clear_memo()
    assert not judge._memo


def test_a_model_may_bring_its_own_tokenizer_and_go_without_token_types(tmp_path: Path) -> None:
    """An MPNet-style model: its tokenizer file beside it (checked by hash), padding with its own
    pad id (1, not BERT's 0), and no token-type input (feeding one would be an error)."""
    from onnx import TensorProto, helper, save
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "a": 4, "b": 5, "c": 6}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    tokenizer.save(str(tmp_path / "tokenizer.json"))
    # logit = 0.01 x the sum of every id fed, padding included: the pad id shows in the score.
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
              for n in ("input_ids", "attention_mask")]
    axis = helper.make_tensor("axis", TensorProto.INT64, [1], [1])
    scale = helper.make_tensor("scale", TensorProto.FLOAT, [], [0.01])
    nodes = [
        helper.make_node("Constant", [], ["axis"], value=axis),
        helper.make_node("ReduceSum", ["input_ids", "axis"], ["total"], keepdims=1),
        helper.make_node("Cast", ["total"], ["real"], to=TensorProto.FLOAT),
        helper.make_node("Constant", [], ["scale"], value=scale),
        helper.make_node("Mul", ["real", "scale"], ["logits"]),
    ]
    output = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1])
    save(helper.make_model(helper.make_graph(nodes, "toy", inputs, [output]),
                           opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "m.onnx"))
    digest = {name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
              for name in ("m.onnx", "tokenizer.json")}
    model = P.ParaphraseModel(version=1, onnx_file="m.onnx", sha256=digest["m.onnx"], threshold=0.5,
                              trained_on="toy", base_model="toy", training={}, threshold_fitted_on="toy",
                              tokenizer_file="tokenizer.json", tokenizer_sha256=digest["tokenizer.json"])
    judge = P.ParaphraseJudge(tmp_path / "m.onnx", model)
    # "<s> a </s> </s> b </s>": 0+4+2+2+5+2 = 15; "<s> c c c </s> </s> c </s>": 0+18+2+2+6+2 = 30,
    # eight pieces against six, so the short pair gets two <pad> (id 1) when both share a batch.
    judge.load()
    assert judge._logits([("a", "b"), ("c c c", "c")], 2).tolist() == pytest.approx([0.17, 0.30], abs=1e-5)
    # Judged, each pair runs alone (its two orders together, one length): no padding at all.
    probability = judge.probabilities([("a", "b"), ("c c c", "c")])
    assert probability.tolist() == pytest.approx([1 / (1 + np.exp(-0.15)), 1 / (1 + np.exp(-0.30))],
                                                abs=1e-5)
    (tmp_path / "tokenizer.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelFileError, match="sha256"):
        P.ParaphraseJudge(tmp_path / "m.onnx", model).probabilities([("a", "b")])


def test_a_second_partner_is_decided_by_the_paraphrase_judge() -> None:
    model = AlignModel(version=2, bias=0.0, w_cosine=1.0, w_overlap=1.0, threshold=0.5, trained_on="",
                       fact_threshold=0.2)
    # Row 0 matches column 0 first; column 1 would be its second partner.
    prob = np.array([[0.9, 0.3]])
    assert match_claims(prob, model) == [(0, 0, 0.9)]
    asked: list[tuple[int, int]] = []

    def judge(row: int, col: int) -> bool:
        asked.append((row, col))
        return True

    assert match_claims(prob, model, paraphrase=judge) == [(0, 0, 0.9), (0, 1, 0.3)]
    # The first partner never needs the judge; a vetoed pair never reaches it.
    assert asked == [(0, 1)]
    asked.clear()
    assert match_claims(prob, model, veto=lambda r, c: c == 1, paraphrase=judge) == [(0, 0, 0.9)]
    assert asked == []


def _mrpc_subset(data_dir: Path, tmp_path: Path) -> Path:
    lines = (data_dir / "mrpc" / "msr_paraphrase_test.txt").read_text(encoding="utf-8-sig").splitlines()
    subset = tmp_path / "mrpc_subset.txt"
    subset.write_text("\n".join(lines[:600]) + "\n", encoding="utf-8")
    return subset


def test_eval_paraphrase_without_a_cross_encoder_scores_the_alignment_model(
    data_dir: Path, none_installed: Path
) -> None:
    subset = _mrpc_subset(data_dir, none_installed)
    result = CliRunner().invoke(app, ["eval", "paraphrase", str(subset), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["task"] == "paraphrase" and report["n"] == len(read_mrpc(subset)) >= 599
    assert report["metrics"]["f1"] >= MRPC_F1_FLOOR
    assert report["metrics"]["f1"] == report["metrics"]["alignment_model_f1"]
    assert report["model"]["decided_by"]["name"] == "alignment model"
    assert "unset it for the shipped one" in report["model"]["decided_by"]["note"]
    assert report["anchors"]["xlnet_ensemble_f1"] == 0.930


def test_eval_paraphrase_scores_an_installed_cross_encoder(data_dir: Path, installed: Path) -> None:
    subset = _mrpc_subset(data_dir, installed)
    result = CliRunner().invoke(app, ["eval", "paraphrase", str(subset), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["model"]["decided_by"]["name"] == "paraphrase cross-encoder"
    # The toy calls every pair a paraphrase (probability 0.73 at threshold 0.5): recall 1.
    assert report["metrics"]["recall"] == 1.0
    assert report["metrics"]["f1"] != report["metrics"]["alignment_model_f1"]


def test_an_fp32_model_gets_an_int8_copy_beside_it_with_its_own_hash(installed: Path) -> None:
    from parallax.compare.train_paraphrase import quantized

    record = P.load_model(installed)
    assert record is not None
    with pytest.raises(SystemExit, match="not fp32"):
        quantized(record, installed)
    fp32 = P.ParaphraseModel(**{**json.loads((installed / P.MODEL_FILE).read_text()),
                                "training": {"precision": "fp32"}})
    small = quantized(fp32, installed)
    assert small.onnx_file.endswith("-int8.onnx") and (installed / small.onnx_file).is_file()
    assert small.sha256 == hashlib.sha256((installed / small.onnx_file).read_bytes()).hexdigest()
    assert small.training["precision"].startswith("int8")
    pairs = [("the talks ended", "talks were over"), ("a", "b c")]
    before = P.ParaphraseJudge(installed / fp32.onnx_file, fp32).probabilities(pairs)
    after = P.ParaphraseJudge(installed / small.onnx_file, small).probabilities(pairs)
    assert np.allclose(before, after)  # the toy graph has no weights to quantise


def test_a_teacher_s_answers_are_mixed_with_the_labels(installed: Path) -> None:
    from parallax.compare.train_paraphrase import teacher_targets

    rows = [(1, "the talks ended", "talks were over"), (0, "a", "b c")]
    record = P.load_model(installed)
    assert record is not None
    answers = P.ParaphraseJudge(installed / record.onnx_file, record).probabilities(
        [(a, b) for _, a, b in rows])
    targets = teacher_targets(rows, installed, 0.25)
    for (label, a, b), answer in zip(rows, answers, strict=True):
        assert targets[(a, b)] == pytest.approx(0.25 * answer + 0.75 * label)
    with pytest.raises(SystemExit, match="no paraphrase_model"):
        teacher_targets(rows, installed / "missing", 0.5)


class _Fixed(P.ParaphraseJudge):
    """A judge whose answers are given, recording which pairs it was asked."""

    def __init__(self, answers: dict[tuple[str, str], float], threshold: float = 0.5) -> None:
        super().__init__(Path("unused.onnx"), P.ParaphraseModel(
            version=1, onnx_file="unused.onnx", sha256="", threshold=threshold, trained_on="",
            base_model="fixed", training={}, threshold_fitted_on=""))
        self.answers = answers
        self.asked: list[tuple[str, str]] = []

    def load(self) -> None:
        pass

    def probabilities(self, pairs):  # type: ignore[no-untyped-def]
        self.asked.extend(pairs)
        return np.array([self.answers[p] for p in pairs])


def test_a_screen_answers_the_pairs_it_is_sure_of_and_passes_on_the_rest() -> None:
    pairs = [("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")]
    screen = _Fixed(dict(zip(pairs, [0.05, 0.95, 0.5, 0.3], strict=True)))
    # The main model would call every pair a paraphrase but the one in the middle.
    main = _Fixed(dict(zip(pairs, [0.9, 0.9, 0.1, 0.9], strict=True)), threshold=0.7)
    from dataclasses import replace

    main.model = replace(main.model, screen="screen", screen_low=0.2, screen_high=0.9)
    main.screen = screen
    decided, asked = main.route(pairs)
    # Below the low bound "no" and above the high one "yes", from the screen alone; the two
    # between go to the main model.
    assert decided.tolist() == [False, True, False, True]
    assert asked.tolist() == [False, False, True, True]
    assert main.asked == [("e", "f"), ("g", "h")] and screen.asked == pairs
    assert main.same("a", "b") is False and main.same("g", "h") is True
    assert main.route([])[0].shape == (0,)


def test_the_screen_s_bounds_keep_the_main_model_s_f1_within_the_tolerance() -> None:
    from parallax.compare.train_paraphrase import SCREEN_TOLERANCE, _f1, fit_screen

    rng = np.random.default_rng(0)
    gold = rng.random(400) < 0.6
    main = np.where(gold, 0.9, 0.1)  # always right
    # The screen is sure and right at its extremes, and a coin toss in the middle.
    screen = np.where(gold, rng.uniform(0.5, 1.0, 400), rng.uniform(0.0, 0.5, 400))
    screen[:100] = rng.uniform(0.3, 0.7, 100)
    low, high, f1, share = fit_screen(screen, main, 0.5, gold)
    assert 0.0 < low < high <= 1.0 and 0.25 <= share < 1.0
    decided = np.where((screen >= low) & (screen <= high), main >= 0.5, screen > high)
    assert f1 == pytest.approx(_f1(decided, gold)) and f1 >= 1.0 - SCREEN_TOLERANCE
    # A screen that knows nothing leaves every pair to the main model.
    assert fit_screen(np.full(400, 0.5), main, 0.5, gold)[3] == 1.0


def test_a_screen_is_installed_beside_the_model_and_found_with_it(installed: Path, tmp_path: Path) -> None:
    from parallax.compare.train_paraphrase import SCREEN_DIR, main

    screen_dir = tmp_path / "cheap"
    screen_dir.mkdir()
    for name in (P.ONNX_FILE, P.MODEL_FILE):
        (screen_dir / name).write_bytes((installed / name).read_bytes())
    rows = "\n".join(f"{i % 2}\t{i}\t{i}\tthe talks ended {i}\ttalks were over {i}" for i in range(40))
    train_file = tmp_path / "train.txt"
    train_file.write_text(rows + "\n", encoding="utf-8")
    main([str(train_file), "--out", str(installed), "--screen", str(screen_dir)])
    record = P.load_model(installed)
    assert record is not None and record.screen == SCREEN_DIR
    assert (installed / SCREEN_DIR / P.ONNX_FILE).is_file()
    assert "held-out tenth" in record.screen_fitted_on
    judge = P.get_judge()
    assert judge is not None and judge.screen is not None
    assert judge.screen.model.screen == ""
    # A screen cannot itself have a screen, and a record naming a missing one is an error.
    with pytest.raises(SystemExit, match="screen of its own"):
        main([str(train_file), "--out", str(screen_dir), "--screen", str(installed)])
    (installed / SCREEN_DIR / P.MODEL_FILE).unlink()
    P.get_judge.cache_clear()
    with pytest.raises(ModelFileError, match="screen model"):
        P.get_judge()


def test_transfer_pairs_are_two_outlets_sentences_on_one_story_of_the_fitting_period(tmp_path: Path) -> None:
    from parallax.compare.train_paraphrase import transfer_pairs

    def story(number: int, day: str, reports: dict[str, list[str]]) -> str:
        news = {side: {"newsSource": outlet, "newsTitle": f"{outlet} {number}", "newBody": sentences}
                for side, (outlet, sentences) in zip(("left", "right"), reports.items(), strict=True)}
        return json.dumps({"id": number, "date": f"{day}T10:00:00", "news": news})

    rain = ["Heavy rain flooded the main roads of the capital on Monday morning.",
            "The city council opened three emergency shelters for displaced families."]
    storm = ["Floods caused by heavy rain closed the capital's main roads on Monday.",
             "Three emergency shelters were opened by the council for families forced from home.",
             "A local bakery reported record sales of its new sourdough loaf this week."]
    later = ["The central bank raised its main interest rate by half a point on Thursday.",
             "Officials at the central bank lifted the key rate by fifty basis points."]
    lines = [story(1, "2021-05-03", {"Daily A": rain, "Daily B": storm}),
             story(2, "2021-09-01", {"Daily A": later[:1], "Daily B": later[1:]})]
    (tmp_path / "stories.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pairs = transfer_pairs(tmp_path, 10, seed=0)
    assert pairs and len(pairs) == len(set(pairs))
    assert all((a in rain and b in storm) or (a in storm and b in rain) for a, b in pairs)
    # The bakery has no counterpart close enough; the story after the fitting cut is left out.
    assert not any("sourdough" in a + b or "bank" in a + b for a, b in pairs)
    assert transfer_pairs(tmp_path, 1, seed=0) == pairs[:1]
    from parallax.compare.train_paraphrase import main

    rows = "\n".join(f"{i % 2}\t{i}\t{i}\tthe talks ended {i}\ttalks were over {i}" for i in range(20))
    (tmp_path / "train.txt").write_text(rows + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="needs --teacher"):
        main([str(tmp_path / "train.txt"), "--transfer", "5", "--out", str(tmp_path / "out")])
