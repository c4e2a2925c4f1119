"""Can a small BERT trained here, with no pretrained checkpoint, replace the CNN NER?

Builds a WordPiece vocabulary and a small BERT (4 layers, hidden 256) from the
text we have (the training split's sentences, the unlabeled sentences and the
Wikinews articles; the dev split's documents are left out), pretrains it with
masked-language modelling for ``--pretrain-minutes``, then fine-tunes it and
the same BERT with random weights through ``kornews train --backend
transformers`` (:func:`models.ner.train_hf.train_hf`, same data, split and
scoring as the shipped model), and prints the dev F1 of both and the tagging
speed of the pretrained one (GPU and one CPU thread).

Needs torch and transformers (``pip install -e ".[transformers]"``); meant for a
GPU (it runs on the CPU too, slowly). Figures from an H100 are in the README.

Usage::

    python benchmarks/hf_small_bert.py [--pretrain-minutes 2.5] [--epochs 3] [--out results.json]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def corpus_texts(train_recs, unlabeled: Path, news: Path) -> list[str]:
    """Pretraining text: training sentences, unlabeled sentences, news paragraphs."""
    texts = [r["text"] for r in train_recs]
    if unlabeled.exists():
        texts += [line.strip() for line in unlabeled.open(encoding="utf-8") if line.strip()]
    if news.exists():
        for line in news.open(encoding="utf-8"):
            if line.strip():
                texts += [p.strip() for p in json.loads(line)["text"].split("\n") if p.strip()]
    return texts


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=SHARED / "ner" / "train.jsonl")
    p.add_argument("--unlabeled", type=Path, default=SHARED / "unlabeled" / "klue_ner_train_sentences.txt")
    p.add_argument("--news", type=Path, default=SHARED / "news" / "wikinews_ko.jsonl")
    p.add_argument("--pretrain-minutes", type=float, default=2.5)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--vocab-size", type=int, default=16000)
    p.add_argument("--out", type=Path, default=None, help="also write the figures here (JSON)")
    args = p.parse_args(argv)

    import torch
    import transformers
    from tokenizers import BertWordPieceTokenizer

    from models.ner.data import load_examples, split_by_document
    from models.ner.hf import HfTokenClassifier
    from models.ner.train_hf import train_hf

    device = "cuda" if torch.cuda.is_available() else "cpu"
    train_recs, _ = split_by_document(load_examples(args.data), 0.1, 0)
    texts = corpus_texts(train_recs, args.unlabeled, args.news)
    print(f"{len(texts)} pretraining texts, {sum(map(len, texts))} chars, on {device}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="kornews_small_bert_"))
    wordpiece = BertWordPieceTokenizer(lowercase=False, strip_accents=False, handle_chinese_chars=False)
    wordpiece.train_from_iterator(texts, vocab_size=args.vocab_size, min_frequency=2)
    wordpiece.save_model(str(work))
    tok = transformers.BertTokenizerFast(vocab_file=str(work / "vocab.txt"), do_lower_case=False,
                                         strip_accents=False, tokenize_chinese_chars=False, model_max_length=512)
    config = transformers.BertConfig(vocab_size=len(tok), hidden_size=256, num_hidden_layers=4,
                                     num_attention_heads=4, intermediate_size=1024, max_position_embeddings=512)
    torch.manual_seed(0)
    transformers.BertForMaskedLM(config).save_pretrained(work / "random")  # the baseline: no pretraining
    tok.save_pretrained(work / "random")

    # masked-language modelling on our own text
    model = transformers.BertForMaskedLM(config).to(device)
    ids = tok(texts, truncation=True, max_length=128)["input_ids"]
    collate = transformers.DataCollatorForLanguageModeling(tok, mlm_probability=0.15)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    rng, step, batch_size, t0 = random.Random(0), 0, 256, time.time()
    model.train()
    while time.time() - t0 < args.pretrain_minutes * 60:
        batch = collate([{"input_ids": ids[i]} for i in rng.sample(range(len(ids)), min(batch_size, len(ids)))])
        for group in opt.param_groups:
            group["lr"] = 5e-4 * min(1.0, (step + 1) / 500)
        with torch.autocast(device, dtype=torch.bfloat16):
            loss = model(**{k: v.to(device) for k, v in batch.items()}).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        step += 1
        if step % 500 == 0:
            print(f"mlm step {step} loss {loss.item():.3f}", flush=True)
    results = {"device": device, "mlm_steps": step, "mlm_epochs": round(step * batch_size / len(ids), 1),
               "mlm_last_loss": round(loss.item(), 3) if step else None}
    model.cpu().save_pretrained(work / "mlm")
    tok.save_pretrained(work / "mlm")

    for name in ("mlm", "random"):
        m = train_hf(args.data, work / name, work / f"ner_{name}", epochs=args.epochs, batch_size=32, lr=2e-4,
                     log=lambda s: print(name, s, flush=True))
        results[name] = {"dev_f1": {k: v["f"] for k, v in m["dev"].items()}, "seconds": m["training_seconds"]}
        print(name, json.dumps(results[name]), flush=True)

    news = [json.loads(line)["text"] for line in args.news.open(encoding="utf-8") if line.strip()]
    for dev in dict.fromkeys((device, "cpu")):
        if dev == "cpu":
            torch.set_num_threads(1)
        clf = HfTokenClassifier(work / "ner_mlm", device=dev, batch_size=64)
        part = news if dev != "cpu" else news[:100]
        clf.predict_many(part[:5])
        t = time.perf_counter()
        clf.predict_many(part)
        results[f"tag_{dev}_chars_per_s"] = round(sum(map(len, part)) / (time.perf_counter() - t))
    print(json.dumps(results, indent=1))
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
