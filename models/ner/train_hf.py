"""Fine-tune a local Hugging Face checkpoint as the NER (``kornews train --backend transformers``).

The data, label mapping and document split are the spaCy trainer's
(:mod:`models.ner.data`): KMOU/klp2016 tags map onto ORG PER LOC DATE MONEY and
the rest are taught as ``O``. Entities are laid on subword tokens through the
fast tokenizer's offsets: the first token overlapping an entity is ``B-``, the
others ``I-``, every subword labelled (so :mod:`models.ner.hf` can decode every
token). Sentences longer than ``max_length`` are cut into overlapping windows,
each a training example.

The saved checkpoint's ``config.id2label`` holds our tags (``B-ORG``, ``I-MONEY``
…), so ``--ner hf:OUT`` works right away. Training runs on CUDA when
``torch.cuda.is_available()``, else on the CPU.

Run::

    python -m models.ner.train_hf --data ../shared/corpora/ner/train.jsonl --base klue-roberta-base --out ner-hf
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

from ..datafiles import replace_dir
from ..errors import BackendError, DataFileError, Errors
from .data import (NER_LABELS, document_id, join_paragraphs, load_examples, mapped_entities, score_char_spans,
                   split_by_document)
from .hf import (HF_NER_NAME, KORNEWS_JSON, HfTokenClassifier, Presplitter, _first_line, _import_hf,
                 _resolve_device, enable_presplit, encode_texts, load_fast_tokenizer, read_kornews_settings)

#: The tag set of checkpoints we train: O, then B-/I- per contract label.
HF_TAGS: tuple[str, ...] = ("O",) + tuple(f"{p}-{lab}" for lab in NER_LABELS for p in ("B", "I"))


def gold_spans(record: dict) -> list[tuple[int, int, str]]:
    """A record's mapped entities, whitespace trimmed, overlaps resolved (first, longest wins)."""
    text = record["text"]
    out: list[tuple[int, int, str]] = []
    for s, e, lab in sorted(mapped_entities(record), key=lambda x: (x[0], -(x[1] - x[0]))):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s and all(e <= ps or s >= pe for ps, pe, _ in out):
            out.append((s, e, lab))
    return out


def token_tags(offsets: Sequence[tuple[int, int]], special: Sequence[int],
               spans: Sequence[tuple[int, int, str]]) -> list[int]:
    """Tag ids for one window's tokens (``-100`` for special tokens, ignored by the loss).

    A token overlapping an entity is ``B-`` when it is the first token of that
    entity in the text (its start is at or before the entity start), else ``I-``.
    """
    tag_id = {t: i for i, t in enumerate(HF_TAGS)}
    out = []
    for (s, e), sp in zip(offsets, special):
        if sp or e <= s:
            out.append(-100)
            continue
        tag = "O"
        for es, ee, lab in spans:
            if s < ee and es < e:
                tag = f"{'B' if s <= es else 'I'}-{lab}"
                break
        out.append(tag_id[tag])
    return out


def encode(tokenizer, records: Sequence[dict], max_length: int, stride: int,
           presplit: Presplitter | None = None) -> list[dict]:
    """Tokenize records into training windows with ``input_ids``, ``attention_mask``, ``labels``.

    With ``presplit`` the texts are cut at morpheme boundaries first (the
    tokenizer must have :func:`models.ner.hf.enable_presplit` applied); offsets
    index the original texts either way.
    """
    out = []
    for i in range(0, len(records), 256):
        chunk = records[i:i + 256]
        enc = encode_texts(tokenizer, [r["text"] for r in chunk], presplit, truncation=True,
                           max_length=max_length, stride=stride, return_overflowing_tokens=True,
                           return_special_tokens_mask=True)
        for w, rec_idx in enumerate(enc["overflow_to_sample_mapping"]):
            item = {k: enc[k][w] for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc}
            item["labels"] = token_tags(enc["offset_mapping"][w], enc["special_tokens_mask"][w],
                                        gold_spans(chunk[rec_idx]))
            out.append(item)
    return out


def _collate(items: Sequence[dict], pad_id: int, torch, device: str) -> dict:
    width = max(len(it["input_ids"]) for it in items)
    batch = {}
    for k in items[0]:
        fill = pad_id if k == "input_ids" else (-100 if k == "labels" else 0)
        batch[k] = torch.tensor([it[k] + [fill] * (width - len(it[k])) for it in items],
                                dtype=torch.long, device=device)
    return batch


def length_batches(items: Sequence[dict], batch_size: int, rng: random.Random, pool: int = 50) -> list[list[dict]]:
    """Shuffled batches of similar-length windows (less padding).

    Items are shuffled, cut into pools of ``pool`` batches, sorted by length
    within a pool and batched; the batches are shuffled again.
    """
    items = list(items)
    rng.shuffle(items)
    batches = []
    size = batch_size * pool
    for p in range(0, len(items), size):
        chunk = sorted(items[p:p + size], key=lambda it: len(it["input_ids"]))
        batches += [chunk[b:b + batch_size] for b in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def _load_base(base_path: Path, transformers):
    if not base_path.is_dir() or not (base_path / "config.json").exists():
        raise BackendError(Errors.E022.format(path=base_path, detail="no such directory" if not base_path.is_dir()
                                              else "config.json not found"))
    try:
        tokenizer = load_fast_tokenizer(base_path, transformers)
    except Exception as e:  # noqa: BLE001 - a missing vocab surfaces as OSError, TypeError or ImportError
        raise BackendError(Errors.E024.format(path=base_path, detail=_first_line(e))) from None
    if not getattr(tokenizer, "is_fast", False):
        raise BackendError(Errors.E024.format(path=base_path, detail=f"{type(tokenizer).__name__} is slow"))
    id2label = dict(enumerate(HF_TAGS))
    try:
        model = transformers.AutoModelForTokenClassification.from_pretrained(
            base_path, num_labels=len(HF_TAGS), id2label=id2label, label2id={t: i for i, t in id2label.items()},
            ignore_mismatched_sizes=True, local_files_only=True)
    except ValueError as e:
        raise BackendError(Errors.E023.format(path=base_path, detail=_first_line(e))) from None
    except OSError as e:
        raise BackendError(Errors.E022.format(path=base_path, detail=_first_line(e))) from None
    return tokenizer, model


def write_checkpoint(out_dir: Path, model, tokenizer, state: dict, settings: dict, metrics: dict,
                     save_dtype: str = "float32") -> None:
    """Write ``state`` (a model state dict) as a complete checkpoint folder ``out_dir``, replacing it.

    Written to a temporary folder beside ``out_dir`` and renamed, so ``out_dir``
    always holds a whole checkpoint (weights, tokenizer, ``kornews.json``,
    ``metrics.json``) even when the process is killed meanwhile.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        if save_dtype == "float16":
            state = {k: (v.half() if v.is_floating_point() else v) for k, v in state.items()}
        model.save_pretrained(tmp, state_dict=state)
        if save_dtype == "float16":  # record the stored dtype (the live model stays float32)
            cfg = json.loads((tmp / "config.json").read_text(encoding="utf-8"))
            cfg["torch_dtype"] = "float16"
            cfg.pop("dtype", None)
            (tmp / "config.json").write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tokenizer.save_pretrained(tmp)
        (tmp / KORNEWS_JSON).write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (tmp / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


#: Named training settings. ``accurate``: the shipped ``--ner accurate`` model
#: (multilingual-e5-small, pruned, from ``kornews models base e5-small --prune``).
RECIPES: dict[str, dict] = {
    "accurate": {
        "epochs": 2, "max_steps": 1300, "batch_size": 16, "lr": 1.5e-4, "warmup": 0.06, "weight_decay": 0.01,
        "max_length": 256, "stride": 32, "presplit": "morphemes", "eval_every": 325, "select": "org_money", "threads": 2,
        "paragraph_share": 0.3, "save_dtype": "float16", "model_name": "kornews.ner.e5_small_ko_news.v1",
    },
}

#: How each recipe's shipped model is rebuilt (recorded in its metrics.json).
RECIPE_COMMANDS: dict[str, str] = {
    "accurate": ("kornews models base e5-small --prune --dest models/ner/base/e5-small-ko && "
                 "kornews train --backend transformers --recipe accurate --base models/ner/base/e5-small-ko "
                 "--out models/ner/accurate --replace-shipped"),
}


def train_hf_recipe(data_path: str | Path, base_path: str | Path, out_dir: str | Path, recipe: str,
                    **overrides) -> dict:
    """:func:`train_hf` with the settings of :data:`RECIPES` ``[recipe]``; ``overrides`` win.

    ``kornews train --backend transformers --recipe accurate --base PATH --out DIR``
    calls this (``seed``, ``max_steps``, ``device``, ``log`` pass through as overrides).

    Raises:
        BackendError: E013 for an unknown recipe; the errors of :func:`train_hf`.
    """
    if recipe not in RECIPES:
        raise BackendError(Errors.E013.format(value=recipe, option="recipe", valid=", ".join(sorted(RECIPES))))
    kwargs = {**RECIPES[recipe], **{k: v for k, v in overrides.items() if v is not None}}
    return train_hf(data_path, base_path, out_dir, recipe_name=recipe, **kwargs)

#: Dev scores that can pick the checkpoint (:func:`selection_score`).
HF_SELECTIONS = ("micro", "org", "org_money")


def selection_score(scores: dict | None, select: str) -> float:
    """The dev number the best checkpoint maximises: micro F1, ORG F1, or the mean of ORG and MONEY F1."""
    if not scores:
        return 0.0
    if select == "org":
        return scores["ORG"]["f"]
    if select == "org_money":
        return round((scores["ORG"]["f"] + scores["MONEY"]["f"]) / 2, 4)
    return scores["micro"]["f"]


def train_hf(data_path: str | Path, base_path: str | Path, out_dir: str | Path, *, epochs: int = 1,
             max_steps: int | None = None, batch_size: int = 16, lr: float = 5e-5, dev_fraction: float = 0.1,
             seed: int = 0, max_length: int = 128, stride: int = 32, warmup: float = 0.1,
             device: str | None = None, log=print, presplit: str | None = None, eval_every: int | None = None,
             eval_sample: int | None = None, select: str = "micro", freeze_embeddings: bool = False,
             threads: int | None = None, paragraph_share: float = 0.0, weight_decay: float = 0.0,
             save_dtype: str = "float32", model_name: str = HF_NER_NAME, log_every: int = 50,
             save_best: bool = True, recipe_name: str | None = None) -> dict:
    """Fine-tune a local checkpoint on the NER corpus and save it for ``--ner hf:OUT``.

    Args:
        data_path: the NER JSONL corpus (``../shared/corpora/ner/train.jsonl``).
        base_path: a local checkpoint directory (a pretrained encoder such as
            KLUE-RoBERTa or the converted e5-small, or a token-classification
            fine-tune: its head is replaced by one over :data:`HF_TAGS`). Nothing
            is downloaded.
        out_dir: where the best checkpoint, its tokenizer, ``kornews.json`` and
            ``metrics.json`` are written; replaced (atomically: a whole folder
            is renamed into place).
        epochs: passes over the training windows.
        max_steps: stop after this many optimizer steps in all (``None``: no cap).
        batch_size: windows per step (batched by similar length).
        lr: peak AdamW learning rate (linear warm-up over ``warmup`` of the
            steps, then linear decay); ``weight_decay``: AdamW's.
        dev_fraction: share of *documents* held out
            (:func:`models.ner.data.split_by_document`).
        seed: split, shuffling and initialisation seed.
        max_length: tokens per training window; ``stride``: their overlap.
        device: ``None`` picks CUDA when available, else CPU.
        log: progress printer.
        presplit: a :data:`models.ner.hf.PRESPLIT_RULES` name: cut texts at
            mecab-ko morpheme boundaries before the subword tokenizer, in
            training and (recorded in ``kornews.json``) at inference. ``None``:
            plain tokenization (as older checkpoints).
        eval_every: evaluate on dev every this many steps as well as at each
            epoch end (``None``: epoch ends only).
        eval_sample: evaluate on this many dev sentences (a fixed random
            sample) during training; the selected checkpoint is then scored on
            the full dev split (``None``: always the full dev split).
        select: dev score that picks the checkpoint (:data:`HF_SELECTIONS`).
        freeze_embeddings: keep the word embeddings fixed.
        threads: ``torch.set_num_threads`` (``None``: torch's default).
        paragraph_share: join this share of consecutive training sentences
            with a paragraph break (:func:`models.ner.data.join_paragraphs`).
        save_dtype: ``float32`` or ``float16`` weights in ``out_dir``.
        model_name: versioned name recorded in ``metrics.json``/``kornews.json``.
        save_best: write each newly selected checkpoint to ``out_dir`` at once
            (its ``metrics.json`` marked ``partial``), so a run killed later
            keeps its best checkpoint; the end of training rewrites it with the
            final metrics. ``False``: ``out_dir`` is written at the end only.
        recipe_name: the :data:`RECIPES` name these settings came from (recorded).

    Returns:
        The metrics written to ``out_dir/metrics.json``: dev P/R/F1 per label on
        exact character spans of the selected checkpoint over the full dev split
        (``dev``; ``None`` when the dev split is empty), the evaluation
        ``history``, sizes, steps, device, versions.

    Raises:
        BackendError: E021–E024 (missing packages, no or unusable checkpoint).
        IngestError, DataFileError: from :func:`models.ner.data.load_examples`.
    """
    torch, transformers = _import_hf()
    if select not in HF_SELECTIONS:
        raise BackendError(Errors.E013.format(value=select, option="select", valid=", ".join(HF_SELECTIONS)))
    if save_dtype not in ("float32", "float16"):
        raise BackendError(Errors.E013.format(value=save_dtype, option="save_dtype", valid="float32, float16"))
    if threads:
        torch.set_num_threads(int(threads))
    t_start = time.time()
    out_dir, base_path = Path(out_dir), Path(base_path)
    random.seed(seed)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    records = load_examples(data_path)
    train_recs, dev_recs = split_by_document(records, dev_fraction, seed)
    train_input = join_paragraphs(train_recs, paragraph_share, seed) if paragraph_share > 0 else train_recs
    tokenizer, model = _load_base(base_path, transformers)
    splitter = Presplitter(presplit) if presplit else None
    if splitter is not None:
        enable_presplit(tokenizer)
    if freeze_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    dev_name = _resolve_device(device, torch)
    model.to(dev_name)
    items = encode(tokenizer, train_input, max_length, stride, splitter)
    if not items:
        raise DataFileError(Errors.E013.format(value=data_path, option="data",
                                               valid="a corpus with at least one training sentence"))
    steps_per_epoch = (len(items) + batch_size - 1) // batch_size
    total = epochs * steps_per_epoch if max_steps is None else min(max_steps, epochs * steps_per_epoch)
    eval_recs = dev_recs
    if eval_sample and eval_sample < len(dev_recs):
        eval_recs = sorted(random.Random(seed + 1).sample(dev_recs, eval_sample), key=lambda r: r["id"])
    log(f"train {len(train_recs)} sentences ({len(items)} windows), dev {len(dev_recs)} "
        f"(evaluating on {len(eval_recs)}); {total} steps on {dev_name}, presplit {presplit}")
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    scheduler = transformers.get_linear_schedule_with_warmup(optimizer, int(warmup * total), max(1, total))
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def evaluate(recs) -> dict | None:
        if not recs:
            return None
        model.eval()
        clf = HfTokenClassifier.from_model(model, tokenizer, device=dev_name, max_length=512,
                                           stride=128, batch_size=max(batch_size, 32), path=base_path,
                                           presplit=splitter)
        pred = clf.predict_many([r["text"] for r in recs])
        model.train()
        return score_char_spans([gold_spans(r) for r in recs], pred)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    settings = {"model_name": model_name, "presplit": splitter.settings() if splitter else None,
                "base": str(base_path)}
    base_settings = read_kornews_settings(base_path)
    if base_settings:
        settings["base_provenance"] = base_settings

    def build_metrics(dev_scores: dict | None, partial: bool = False) -> dict:
        m = {
            "model_name": model_name, "backend": "transformers", "base": str(base_path),
            "model_type": model.config.model_type, "labels": list(NER_LABELS), "tags": list(HF_TAGS),
            "label_map": "PER/PS→PER ORG/OG→ORG LOC/LC→LOC DAT/DT→DATE MNY→MONEY; TIM TI DUR NOH POH PNT dropped (O)",
            "data": str(data_path),
            "split": {"by": "document id before the last '_'", "dev_fraction": dev_fraction, "seed": seed},
            "n_train_sentences": len(train_recs), "n_train_records": len(train_input),
            "n_dev_sentences": len(dev_recs), "n_train_windows": len(items),
            "n_train_documents": len({document_id(r["id"]) for r in train_recs}),
            "n_dev_documents": len({document_id(r["id"]) for r in dev_recs}),
            "dev": dev_scores, "scoring": "exact character spans vs mapped dev gold spans (full dev split)",
            "selection": {"score": select, "value_on_eval_set": best_f, "step": best_step,
                          "eval_set": "full dev" if eval_recs is dev_recs else f"{len(eval_recs)} dev sentences "
                                                                               f"(random sample, seed {seed + 1})"},
            "recipe": recipe_name, "reproduce": RECIPE_COMMANDS.get(recipe_name or ""), "presplit": splitter.settings() if splitter else None,
            "paragraph_share": paragraph_share, "epochs": epoch, "planned_epochs": epochs, "steps": step,
            "planned_steps": total, "batch_size": batch_size, "lr": lr, "warmup": warmup,
            "weight_decay": weight_decay, "max_length": max_length, "stride": stride, "eval_every": eval_every,
            "freeze_embeddings": freeze_embeddings, "threads": torch.get_num_threads(), "device": dev_name,
            "save_dtype": save_dtype, "history": history,
            "torch_version": torch.__version__, "transformers_version": transformers.__version__,
            "training_seconds": round(time.time() - t_start, 1),
        }
        if partial:
            m["partial"] = ("written when this checkpoint was selected, before training ended; "
                            "the final metrics.json replaces it")
        return m

    best_state, best_scores, best_f, best_step, history, step, epoch = None, None, -1.0, 0, [], 0, 0
    loss_sum, n_loss = 0.0, 0
    t_train = time.time()

    def checkpoint(kind: str) -> None:
        nonlocal best_state, best_scores, best_f, best_step, loss_sum, n_loss
        if history and history[-1]["step"] == step:  # the epoch ended right after a step evaluation
            return
        t_eval = time.time()
        scores = evaluate(eval_recs)
        value = selection_score(scores, select)
        history.append({"epoch": epoch, "step": step, "kind": kind,
                        "loss": round(loss_sum / max(1, n_loss), 4), select: value,
                        "micro_f": scores["micro"]["f"] if scores else None,
                        "org_f": scores["ORG"]["f"] if scores else None,
                        "eval_seconds": round(time.time() - t_eval, 1),
                        "minutes": round((time.time() - t_start) / 60, 2)})
        loss_sum, n_loss = 0.0, 0
        improved = best_state is None or value > best_f or not dev_recs  # no dev split: keep the last
        log(f"epoch {epoch} step {step} loss {history[-1]['loss']} dev {select} {value:.4f} "
            f"(micro {history[-1]['micro_f']}, ORG {history[-1]['org_f']})" + (" *" if improved else ""))
        if improved:
            best_f, best_step, best_scores = value, step, scores
            best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
            if save_best:  # on disk now: a run killed later still leaves its best checkpoint in out_dir
                t_save = time.time()
                partial = build_metrics(scores if eval_recs is dev_recs else None, partial=True)
                write_checkpoint(out_dir, model, tokenizer, best_state, settings, partial, save_dtype)
                log(f"  best checkpoint (step {step}) written to {out_dir} in {time.time() - t_save:.1f} s")

    model.train()
    while epoch < epochs and step < total:
        epoch += 1
        for batch_items in length_batches(items, batch_size, rng):
            batch = _collate(batch_items, pad_id, torch, dev_name)
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            loss_sum, n_loss, step = loss_sum + loss.item(), n_loss + 1, step + 1
            if log_every and step % log_every == 0:
                rate = (time.time() - t_train) / step
                log(f"step {step}/{total} loss {loss_sum / max(1, n_loss):.4f} "
                    f"{rate:.2f} s/step, ~{rate * (total - step) / 60:.0f} min left")
            if step >= total:
                break
            if eval_every and step % eval_every == 0:
                checkpoint("step")
        checkpoint("epoch")

    model.load_state_dict(best_state)
    # the selected checkpoint's full-dev scores (evaluated again when selection used a sample)
    best = best_scores if eval_recs is dev_recs else evaluate(dev_recs)
    metrics = build_metrics(best)
    write_checkpoint(out_dir, model, tokenizer, best_state, settings, metrics, save_dtype)
    return metrics


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Fine-tune a local Hugging Face checkpoint as the kornews NER.")
    p.add_argument("--recipe", choices=sorted(RECIPES), default=None,
                   help="named settings (see RECIPES); options given on the command line override them")
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--base", required=True, type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--max-steps", type=int, default=None)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--dev-fraction", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--stride", type=int, default=32)
    p.add_argument("--warmup", type=float, default=0.1)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--device", default=None)
    p.add_argument("--presplit", default=None, help="morpheme pre-split rule (models.ner.hf.PRESPLIT_RULES)")
    p.add_argument("--eval-every", type=int, default=None)
    p.add_argument("--eval-sample", type=int, default=None)
    p.add_argument("--select", choices=HF_SELECTIONS, default="micro")
    p.add_argument("--freeze-embeddings", action="store_true")
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--paragraph-share", type=float, default=0.0)
    p.add_argument("--save-dtype", choices=("float32", "float16"), default="float32")
    p.add_argument("--model-name", default=HF_NER_NAME)
    args = p.parse_args(argv)
    if args.recipe:  # recipe values for the options left at their defaults
        given = {a.split("=", 1)[0] for a in (argv if argv is not None else sys.argv[1:]) if a.startswith("--")}
        for key, value in RECIPES[args.recipe].items():
            if "--" + key.replace("_", "-") not in given:
                setattr(args, key, value)
    m = train_hf(args.data, args.base, args.out, epochs=args.epochs, max_steps=args.max_steps,
                 batch_size=args.batch_size, lr=args.lr, dev_fraction=args.dev_fraction, seed=args.seed,
                 max_length=args.max_length, stride=args.stride, warmup=args.warmup, weight_decay=args.weight_decay,
                 device=args.device, presplit=args.presplit, eval_every=args.eval_every,
                 eval_sample=args.eval_sample, select=args.select, freeze_embeddings=args.freeze_embeddings,
                 threads=args.threads, paragraph_share=args.paragraph_share, save_dtype=args.save_dtype,
                 model_name=args.model_name, recipe_name=args.recipe)
    print(json.dumps({k: m[k] for k in ("dev", "steps", "training_seconds")}, indent=1))


if __name__ == "__main__":
    main()
