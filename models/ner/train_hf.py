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
import tempfile
import time
from pathlib import Path
from typing import Sequence

from ..errors import BackendError, DataFileError, Errors
from .data import NER_LABELS, document_id, load_examples, mapped_entities, score_char_spans, split_by_document
from .hf import HF_NER_NAME, HfTokenClassifier, _first_line, _import_hf, _resolve_device

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


def encode(tokenizer, records: Sequence[dict], max_length: int, stride: int) -> list[dict]:
    """Tokenize records into training windows with ``input_ids``, ``attention_mask``, ``labels``."""
    out = []
    for i in range(0, len(records), 256):
        chunk = records[i:i + 256]
        enc = tokenizer([r["text"] for r in chunk], truncation=True, max_length=max_length, stride=stride,
                        return_overflowing_tokens=True, return_offsets_mapping=True,
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


def _load_base(base_path: Path, transformers):
    if not base_path.is_dir() or not (base_path / "config.json").exists():
        raise BackendError(Errors.E022.format(path=base_path, detail="no such directory" if not base_path.is_dir()
                                              else "config.json not found"))
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(base_path, use_fast=True, local_files_only=True)
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


def train_hf(data_path: str | Path, base_path: str | Path, out_dir: str | Path, *, epochs: int = 1,
             max_steps: int | None = None, batch_size: int = 16, lr: float = 5e-5, dev_fraction: float = 0.1,
             seed: int = 0, max_length: int = 128, stride: int = 32, warmup: float = 0.1,
             device: str | None = None, log=print) -> dict:
    """Fine-tune a local checkpoint on the NER corpus and save it for ``--ner hf:OUT``.

    Args:
        data_path: the NER JSONL corpus (``../shared/corpora/ner/train.jsonl``).
        base_path: a local checkpoint directory (a pretrained encoder such as
            KLUE-RoBERTa, or a token-classification fine-tune: its head is
            replaced by one over :data:`HF_TAGS`). Nothing is downloaded.
        out_dir: where the best checkpoint, its tokenizer and ``metrics.json``
            are written; replaced.
        epochs: passes over the training windows.
        max_steps: stop after this many optimizer steps in all (``None``: no cap).
        batch_size: windows per step.
        lr: peak AdamW learning rate (linear warm-up over ``warmup`` of the
            steps, then linear decay).
        dev_fraction: share of *documents* held out
            (:func:`models.ner.data.split_by_document`).
        seed: split, shuffling and initialisation seed.
        max_length: tokens per training window; ``stride``: their overlap.
        device: ``None`` picks CUDA when available, else CPU.
        log: progress printer.

    Returns:
        The metrics written to ``out_dir/metrics.json``: dev P/R/F1 per label on
        exact character spans (``dev``; ``None`` when the dev split is empty),
        sizes, steps, device, versions.

    Raises:
        BackendError: E021–E024 (missing packages, no or unusable checkpoint).
        IngestError, DataFileError: from :func:`models.ner.data.load_examples`.
    """
    torch, transformers = _import_hf()
    t_start = time.time()
    out_dir, base_path = Path(out_dir), Path(base_path)
    random.seed(seed)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    records = load_examples(data_path)
    train_recs, dev_recs = split_by_document(records, dev_fraction, seed)
    tokenizer, model = _load_base(base_path, transformers)
    dev_name = _resolve_device(device, torch)
    model.to(dev_name)
    items = encode(tokenizer, train_recs, max_length, stride)
    if not items:
        raise DataFileError(Errors.E013.format(value=data_path, option="data",
                                               valid="a corpus with at least one training sentence"))
    steps_per_epoch = (len(items) + batch_size - 1) // batch_size
    total = epochs * steps_per_epoch if max_steps is None else min(max_steps, epochs * steps_per_epoch)
    log(f"train {len(train_recs)} sentences ({len(items)} windows), dev {len(dev_recs)}; "
        f"{total} steps on {dev_name}")
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    scheduler = transformers.get_linear_schedule_with_warmup(optimizer, int(warmup * total), max(1, total))
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0

    def evaluate() -> dict | None:
        if not dev_recs:
            return None
        model.eval()
        clf = HfTokenClassifier.from_model(model, tokenizer, device=dev_name, max_length=max_length,
                                           stride=stride, batch_size=batch_size, path=base_path)
        pred = clf.predict_many([r["text"] for r in dev_recs])
        model.train()
        return score_char_spans([gold_spans(r) for r in dev_recs], pred)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # written beside out_dir and renamed at the end: a failed run never leaves half a checkpoint
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        best, best_f, history, step, epoch = None, -1.0, [], 0, 0
        model.train()
        while epoch < epochs and step < total:
            epoch += 1
            rng.shuffle(items)
            loss_sum, n = 0.0, 0
            for b in range(0, len(items), batch_size):
                batch = _collate(items[b:b + batch_size], pad_id, torch, dev_name)
                loss = model(**batch).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
                loss_sum, n, step = loss_sum + loss.item(), n + 1, step + 1
                if step >= total:
                    break
            scores = evaluate()
            micro = scores["micro"]["f"] if scores else 0.0
            history.append({"epoch": epoch, "step": step, "loss": round(loss_sum / max(1, n), 4), "micro_f": micro,
                            "minutes": round((time.time() - t_start) / 60, 2)})
            log(f"epoch {epoch} step {step} loss {history[-1]['loss']} dev micro F1 {micro:.4f}")
            if best is None or micro > best_f or not dev_recs:  # no dev split: keep the last
                best, best_f = scores, micro
                model.save_pretrained(tmp)
                tokenizer.save_pretrained(tmp)

        metrics = {
            "model_name": HF_NER_NAME, "backend": "transformers", "base": str(base_path),
            "model_type": model.config.model_type, "labels": list(NER_LABELS), "tags": list(HF_TAGS),
            "label_map": "PER/PS→PER ORG/OG→ORG LOC/LC→LOC DAT/DT→DATE MNY→MONEY; TIM TI DUR NOH POH PNT dropped (O)",
            "data": str(data_path),
            "split": {"by": "document id before the last '_'", "dev_fraction": dev_fraction, "seed": seed},
            "n_train_sentences": len(train_recs), "n_dev_sentences": len(dev_recs), "n_train_windows": len(items),
            "n_train_documents": len({document_id(r["id"]) for r in train_recs}),
            "n_dev_documents": len({document_id(r["id"]) for r in dev_recs}),
            "dev": best, "scoring": "exact character spans vs mapped dev gold spans",
            "epochs": epoch, "steps": step, "batch_size": batch_size, "lr": lr, "max_length": max_length,
            "stride": stride, "device": dev_name, "history": history,
            "torch_version": torch.__version__, "transformers_version": transformers.__version__,
            "training_seconds": round(time.time() - t_start, 1),
        }
        (tmp / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.move(str(tmp), str(out_dir))
        return metrics
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Fine-tune a local Hugging Face checkpoint as the kornews NER.")
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
    p.add_argument("--device", default=None)
    args = p.parse_args(argv)
    m = train_hf(args.data, args.base, args.out, epochs=args.epochs, max_steps=args.max_steps,
                 batch_size=args.batch_size, lr=args.lr, dev_fraction=args.dev_fraction, seed=args.seed,
                 max_length=args.max_length, device=args.device)
    print(json.dumps({k: m[k] for k in ("dev", "steps", "training_seconds")}, indent=1))


if __name__ == "__main__":
    main()
