"""Train the statistical NER (ORG PER LOC DATE MONEY) on the KMOU/klp2016 corpus.

The model is a BILUO tagger (:mod:`models.ner.tagger`: one softmax per token,
Viterbi decoding; ``--arch parser`` trains spaCy's transition-based ``ner``
instead) over a CNN ``tok2vec`` (width 64, depth 2) whose token features are the surface morpheme (NORM), its first character (PREFIX), last
three characters (SUFFIX), SHAPE, the morpheme POS tags (TAG, e.g. ``NNP`` or
``JKS``), whether a space follows (SPACY: Korean spacing marks eojeol
edges) and, in MORPH, the lexicon's hint that a known organization or place
name covers the token (:mod:`models.ner.lexicon`; ``--no-lexicon`` leaves it
out), plus static subword-aware morpheme vectors (:func:`train_vectors`).
Tokens are mecab-ko surface morphemes, so entities end before particles.

Run::

    kornews train --data ../shared/corpora/ner/train.jsonl --out models/ner/weights --replace-shipped

The best model on the dev split (by the mean of the ORG and MONEY F1, or
``--select micro``, scored on character offsets against *all* dev gold spans,
misaligned ones included) is written to ``out`` with ``metrics.json`` beside it.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from pathlib import Path

import spacy
from spacy.tokens import Doc
from spacy.training import Example

from .. import corpora_dir
from ..datafiles import replace_dir
from ..errors import BackendError, Errors
from ..nlp import blank_korean
from . import ARCHITECTURES, SELECTIONS
from .data import (NER_LABELS, document_id, join_paragraphs, load_examples, mapped_entities,
                   score_char_spans, split_by_document, to_docs)
from .model import DEFAULT_MODEL_DIR, NER_MODEL_NAME

#: tok2vec token features and their hash-table rows.
FEATURE_ATTRS = ["NORM", "PREFIX", "SUFFIX", "SHAPE", "TAG", "SPACY"]
FEATURE_ROWS = [10000, 2000, 5000, 500, 300, 50]
#: The lexicon feature (``Lex=OrgB`` …, :mod:`models.ner.lexicon`) rides in MORPH.
LEXICON_ATTR, LEXICON_ROWS = "MORPH", 50


def feature_attrs(lexicon: bool) -> tuple[list[str], list[int]]:
    """The tok2vec's token attributes and hash rows, with MORPH when the lexicon is on."""
    if lexicon:
        return FEATURE_ATTRS + [LEXICON_ATTR], FEATURE_ROWS + [LEXICON_ROWS]
    return list(FEATURE_ATTRS), list(FEATURE_ROWS)


def ner_config(width: int = 64, depth: int = 2, window: int = 1, hidden: int = 64, pieces: int = 3,
               static_vectors: bool = False, arch: str = "tagger",
               lexicon: bool = False) -> tuple[str, dict]:
    """The NER component's factory and config: a CNN tok2vec under either architecture."""
    attrs, rows = feature_attrs(lexicon)
    tok2vec = {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": width,
                  "attrs": attrs, "rows": rows,
                  "include_static_vectors": static_vectors},
        "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": width,
                   "depth": depth, "window_size": window, "maxout_pieces": pieces},
    }
    if arch == "tagger":
        from . import tagger  # noqa: F401  (registers the kornews_biluo_ner factory)

        return "kornews_biluo_ner", {"model": {"@architectures": "spacy.Tagger.v2", "nO": None,
                                               "normalize": False, "tok2vec": tok2vec}}
    if arch == "parser":
        return "ner", {"model": {
            "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner",
            "extra_state_tokens": False, "hidden_width": hidden, "maxout_pieces": 2,
            "use_upper": True, "nO": None, "tok2vec": tok2vec}}
    raise BackendError(Errors.E013.format(value=arch, option="--arch", valid=", ".join(ARCHITECTURES)))


def selection_score(scores: dict, select: str) -> float:
    """The dev score a checkpoint is selected by: ``org_money`` is the mean of the
    ORG and MONEY F1, ``micro`` the micro F1 over all labels."""
    if select == "org_money":
        return (scores["ORG"]["f"] + scores["MONEY"]["f"]) / 2
    if select == "micro":
        return scores["micro"]["f"]
    raise BackendError(Errors.E013.format(value=select, option="--select", valid=", ".join(SELECTIONS)))


def unlabeled_default(data_path: str | Path) -> Path:
    """The unlabeled sentences beside the NER corpus (``../unlabeled/klue_ner_train_sentences.txt``)."""
    return Path(data_path).resolve().parent.parent / "unlabeled" / "klue_ner_train_sentences.txt"


def train_vectors(nlp, texts, *, rows: int = 50000, dim: int = 100, epochs: int = 10, log=print):
    """Train subword-aware word vectors on morpheme tokens and add them to ``nlp.vocab``.

    The texts are tokenized with ``nlp``'s own tokenizer (so keys match the
    tokens the NER sees), vectors are trained with floret in fastText mode
    (skipgram, character 1–3-grams: Korean syllables carry meaning), and the
    ``rows`` most frequent morphemes are kept as a plain spaCy vectors table
    (a plain table is looked up much faster than floret's hashed n-grams at
    tagging time). One training thread keeps the result reproducible.

    Returns:
        a dict describing the vectors (rows, dim, tokens, seconds).

    Raises:
        BackendError: E041 when ``floret`` is not installed.
    """
    import numpy
    from spacy.vectors import Vectors

    try:
        import floret
    except ImportError as e:  # pragma: no cover - optional dependency of training only
        raise BackendError(Errors.E041.format(detail=e)) from None
    t0 = time.time()
    n_tokens = 0
    with tempfile.TemporaryDirectory(prefix="kornews_vec_") as tmp:
        corpus = Path(tmp) / "corpus.txt"
        with corpus.open("w", encoding="utf-8") as f:
            for text in texts:
                words = [t.text for t in nlp.make_doc(text) if not t.is_space]
                n_tokens += len(words)
                f.write(" ".join(words) + "\n")
        model = floret.train_unsupervised(str(corpus), model="skipgram", mode="fasttext", dim=dim,
                                          minn=1, maxn=3, epoch=epochs, minCount=2, bucket=200000,
                                          thread=1, verbose=0)
    words = model.get_words()[:rows]
    data = numpy.zeros((len(words), dim), dtype="float32")
    for i, w in enumerate(words):
        data[i] = model.get_word_vector(w)
    keys = [nlp.vocab.strings.add(w) for w in words]
    nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings, data=data, keys=keys,
                                name=f"{NER_MODEL_NAME}.vectors")
    info = {"kind": "floret fasttext-mode skipgram, char 1-3-grams", "rows": len(words), "dim": dim,
            "epochs": epochs, "tokens": n_tokens, "seconds": round(time.time() - t0, 1)}
    log(f"vectors: {info}")
    return info


def training_optimizer(average: bool = False):
    """Adam with spaCy's default settings (``training.optimizer`` of a blank
    config: learn rate 0.001, L2 weight decay 0.01, gradient clip 1.0), keeping
    moving averages of the weights when ``average`` (thinc's EMA: its horizon
    grows with the step count, about the last ninth of the steps)."""
    from thinc.api import Adam

    return Adam(learn_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8, L2=0.01, L2_is_weight_decay=True,
                grad_clip=1.0, use_averages=average)


def _pred_doc(nlp, gold: Doc, lexicon_drop: float = 0.0, rng: random.Random | None = None) -> Doc:
    """A fresh doc with the gold doc's tokens and tags, without entities, and
    the lexicon's features (each match dropped with ``lexicon_drop``) when the
    pipeline has one."""
    doc = Doc(nlp.vocab, words=[t.text for t in gold], spaces=[bool(t.whitespace_) for t in gold],
              tags=[t.tag_ for t in gold])
    if "lexicon" in nlp.pipe_names:
        nlp.get_pipe("lexicon").annotate(doc, drop=lexicon_drop, rng=rng)
    return doc


def score_spans(nlp, records: list[dict], batch_size: int = 128) -> dict:
    """Per-label P/R/F1 on exact character spans against the mapped gold spans.

    Gold spans that cannot be represented on token boundaries still count
    (as misses), so the score is what a user of ``ner_spans`` would see.
    """
    texts = [r["text"] for r in records]
    golds, preds = [], []
    for rec, doc in zip(records, nlp.pipe(texts, batch_size=batch_size)):
        text = rec["text"]
        gold = set()
        for s, e, lab in mapped_entities(rec):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            gold.add((s, e, lab))
        golds.append(gold)
        preds.append({(e.start_char, e.end_char, e.label_) for e in doc.ents})
    return score_char_spans(golds, preds)


def train_ner(data_path: str | Path, out_dir: str | Path, *, backend: str = "mecab",
              dev_fraction: float = 0.1, seed: int = 0, max_minutes: float = 25.0,
              max_epochs: int = 30, vectors: str | Path | None = "auto",
              unlabeled: str | Path | None = None, metrics_path: str | Path | None = None,
              width: int = 64, depth: int = 2, window: int = 1, dropout: float = 0.15,
              batch_words: int = 1000, eval_every: int = 400, limit: int = 0,
              arch: str = "tagger", lexicon: bool = True, lexicon_drop: float = 0.0,
              paragraph_share: float = 0.3,
              select: str = "org_money", pieces: int = 3, average: bool = False,
              silver: str | Path | None = None, silver_ratio: float = 1.0,
              log=print) -> dict:
    """Train the NER, keep the best dev checkpoint, write it and ``metrics.json``.

    Args:
        data_path: the NER JSONL corpus (``../shared/corpora/ner/train.jsonl``).
        out_dir: where the pipeline is written (``nlp.to_disk``); replaced.
        backend: tokenizer backend the model is trained (and must run) on.
        dev_fraction: share of *documents* held out (see :func:`split_by_document`).
        seed: split and shuffling seed.
        max_minutes: wall-clock budget for the whole run (vectors, tokenization,
            updates); updates stop early enough to leave one dev evaluation and
            the save inside it.
        vectors: ``"auto"`` trains static vectors (:func:`train_vectors`) on the
            training split's text plus ``unlabeled``; a path loads a spaCy vectors
            directory; ``None`` trains without static vectors.
        unlabeled: extra unlabeled sentences, one a line, for the vectors
            (default: :func:`unlabeled_default`; skipped when absent).
        metrics_path: a second copy of ``metrics.json`` (default: ``models/ner/metrics.json``
            when ``out_dir`` is the shipped weights directory, else none).
        limit: train on the first ``limit`` training sentences only (0 = all).
        arch: ``tagger`` (BILUO softmax, :mod:`models.ner.tagger`) or ``parser``
            (spaCy's transition-based ``ner``); both share the CNN.
        paragraph_share: share of training sentences joined with the next one
            across a paragraph break (:func:`models.ner.data.join_paragraphs`).
        select: the dev score that picks the checkpoint (:func:`selection_score`):
            ``org_money`` (mean F1 of the two labels the product extracts from
            the model and has targets for) or ``micro``.
        lexicon: add the ``kornews_lexicon`` component (:mod:`models.ner.lexicon`)
            before the NER and embed its ``Lex`` feature.
        lexicon_drop: share of the training sentences' lexicon matches left
            unmarked, so known names are also learnt from form and context
            (unseen names never carry the hint).
        pieces: maxout pieces of the CNN's layers (the embedding mixer's and
            each convolution's output is ``width × pieces`` wide).
        average: score and save the optimizer's moving averages of the
            weights (:func:`training_optimizer`) rather than the last weights.
            Off for the shipped model: averaged runs scored a little higher on
            dev but found fewer unseen organization names (README).
        silver: a JSONL of teacher-labelled texts (:func:`make_silver`; same
            format as the corpus, contract labels) mixed into training
            (distillation). Texts equal to a dev sentence are dropped; the
            checkpoint is still selected on the gold dev split only.
        silver_ratio: each epoch trains on every gold record plus a fresh
            random sample of ``silver_ratio`` × (gold records) silver records
            (all of them when there are fewer).

    The best checkpoint is written to ``out_dir`` as soon as it is selected
    (its ``metrics.json`` marked ``partial`` until training ends), so a run
    that is killed keeps it.

    Returns:
        The metrics dict written to ``out_dir/metrics.json``: per-label P/R/F1 on
        dev (exact character spans), sentence and document counts, backend,
        alignment stats, training time, spaCy version and model name.
    """
    selection_score({"ORG": {"f": 0}, "MONEY": {"f": 0}, "micro": {"f": 0}}, select)  # fail fast
    t_start = time.time()
    random.seed(seed)
    try:
        import numpy
        numpy.random.seed(seed)
        from thinc.api import fix_random_seed
        fix_random_seed(seed)
    except ImportError:  # pragma: no cover
        pass
    out_dir = Path(out_dir)
    records = load_examples(data_path)
    train_recs, dev_recs = split_by_document(records, dev_fraction, seed)
    if limit:
        train_recs = train_recs[:limit]
    n_train_sentences = len(train_recs)
    train_texts = [r["text"] for r in train_recs]  # the vectors' text: sentences before the joins
    train_recs = join_paragraphs(train_recs, paragraph_share, seed)
    nlp = blank_korean(backend, user_words=False)
    vec_info = None
    if vectors == "auto":
        texts = list(train_texts)
        unl = Path(unlabeled) if unlabeled else unlabeled_default(data_path)
        if unl.exists():
            texts += [line.strip() for line in unl.open(encoding="utf-8") if line.strip()]
        vec_info = train_vectors(nlp, texts, log=log)
        vec_info["unlabeled"] = str(unl) if unl.exists() else None
    elif vectors:
        from spacy.vectors import Vectors
        nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings).from_disk(vectors)
        nlp.vocab.vectors.name = f"{NER_MODEL_NAME}.vectors"
        vec_info = {"path": str(vectors)}
    lex_info = None
    if lexicon:
        from . import lexicon as lexicon_module  # noqa: F401  (registers "kornews_lexicon")

        lex = nlp.add_pipe("kornews_lexicon", name="lexicon")
        lex.initialize()  # before the training docs are built: they carry its features
        base = corpora_dir().parent
        lex_info = {"names": len(lex.names), "files": [str(p.relative_to(base))
                    for ps in lexicon_module.default_lexicon_paths().values() for p in ps]}
    factory, config = ner_config(width, depth, window, pieces=pieces, static_vectors=bool(vectors), arch=arch,
                                 lexicon=lexicon)
    attrs, rows = feature_attrs(lexicon)
    ner = nlp.add_pipe(factory, name="ner", config=config)
    for lab in NER_LABELS:
        ner.add_label(lab)
    nlp.meta.update({"name": NER_MODEL_NAME.replace(".", "_"), "version": "1.0.0",
                     "description": f"{NER_MODEL_NAME}: ORG PER LOC DATE MONEY over {backend} morphemes"})

    gold_docs, train_align = to_docs(nlp, train_recs)
    drop_rng = random.Random(seed)
    examples = [Example(_pred_doc(nlp, g, lexicon_drop, drop_rng), g) for g in gold_docs]
    _, dev_align = to_docs(nlp, dev_recs) if dev_recs else ([], {})
    silver_examples, silver_info = [], None
    if silver:
        dev_texts = {r["text"].strip() for r in dev_recs}
        silver_recs = [r for r in load_examples(silver) if r["text"].strip() not in dev_texts]
        silver_docs, silver_align = to_docs(nlp, silver_recs)
        silver_examples = [Example(_pred_doc(nlp, g, lexicon_drop, drop_rng), g) for g in silver_docs]
        silver_info = {"path": str(silver), "records": len(silver_recs), "ratio": silver_ratio,
                       "dropped_as_dev_text": sum(1 for r in load_examples(silver)) - len(silver_recs),
                       "alignment": silver_align, "teacher": _silver_teacher(silver)}
        log(f"silver {len(silver_examples)} records (ratio {silver_ratio}); alignment {silver_align['aligned_rate']}")
    log(f"train {len(examples)} sentences, dev {len(dev_recs)}; alignment {train_align['aligned_rate']}"
        f" (train) {dev_align.get('aligned_rate')} (dev); prep {time.time() - t_start:.0f}s")
    silver_rng = random.Random(seed + 7)
    n_silver = min(len(silver_examples), int(round(silver_ratio * len(examples))))

    # spaCy's default optimizer config keeps no weight averages (use_averages = false);
    # the optimizer is built here: Adam as spaCy configures it, averaging on request
    optimizer = nlp.initialize(lambda: examples[:2000], sgd=training_optimizer(average))
    best_f, best_scores, step, epoch = -1.0, {}, 0, 0
    t_loop = time.time()
    deadline = t_start + max_minutes * 60 - min(60.0, max_minutes * 6)
    history = []

    def evaluate() -> None:
        # with ``average`` the optimizer keeps moving averages of the weights;
        # they are what is scored and saved
        with nlp.use_params(optimizer.averages):
            _evaluate()

    def _evaluate() -> None:
        nonlocal best_f, best_scores
        if not dev_recs:
            save(partial=True)
            return
        scores = score_spans(nlp, dev_recs)
        history.append({"step": step, "epoch": epoch, "minutes": round((time.time() - t_loop) / 60, 1),
                        "micro_f": scores["micro"]["f"], "ORG_f": scores["ORG"]["f"],
                        "MONEY_f": scores["MONEY"]["f"]})
        log(f"  step {step} epoch {epoch} {history[-1]['minutes']}min  micro {scores['micro']['f']:.4f} "
            + " ".join(f"{lab} {scores[lab]['f']:.3f}" for lab in NER_LABELS))
        f = selection_score(scores, select)
        if f > best_f:
            best_f, best_scores = f, scores
            save(partial=True)
            log(f"  best so far: written to {out_dir}")

    def save(partial: bool) -> None:
        # a whole folder renamed into place: out_dir always holds a complete checkpoint
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
        try:
            nlp.to_disk(tmp)
            text = json.dumps(build_metrics(partial), ensure_ascii=False, indent=2) + "\n"
            (tmp / "metrics.json").write_text(text, encoding="utf-8")
            replace_dir(tmp, out_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def build_metrics(partial: bool) -> dict:
        m = {
            "model_name": NER_MODEL_NAME,
            "backend": backend,
            "spacy_version": spacy.__version__,
            "labels": list(NER_LABELS),
            "label_map": "PER/PS→PER ORG/OG→ORG LOC/LC→LOC DAT/DT→DATE MNY→MONEY; TIM TI DUR NOH POH PNT dropped (O)",
            "data": str(data_path),
            "split": {"by": "document id before the last '_'", "dev_fraction": dev_fraction, "seed": seed,
                      "hash": "sha1(f'{seed}:{doc}') < dev_fraction"},
            "n_train_sentences": n_train_sentences, "n_train_records": len(train_recs),
            "paragraph_share": paragraph_share, "n_dev_sentences": len(dev_recs),
            "n_train_documents": len({document_id(r["id"]) for r in train_recs}),
            "n_dev_documents": len({document_id(r["id"]) for r in dev_recs}),
            "alignment": {"train": train_align, "dev": dev_align,
                          "policy": "misaligned spans: tokens marked missing (no signal), never snapped"},
            "silver": silver_info,
            "dev": best_scores,
            "selection": {"score": select, "value": round(best_f, 4), "on": "gold dev split only"},
            "scoring": "exact character spans vs all mapped dev gold spans (misaligned count as misses)",
            "model": {"arch": arch, "factory": factory, "features": attrs, "rows": rows, "width": width,
                      "depth": depth, "window": window, "maxout_pieces": pieces, "static_vectors": vec_info,
                      "lexicon": lex_info and {**lex_info, "drop": lexicon_drop},
                      "dropout": dropout, "batch_words": batch_words, "averaged_weights": average},
            "epochs": epoch, "steps": step, "history": history,
            "training_seconds": round(time.time() - t_start, 1), "max_minutes": max_minutes,
        }
        if partial:
            m["partial"] = ("written when this checkpoint was selected, before training ended; "
                            "the final metrics.json replaces it")
        return m

    done = False
    while not done and epoch < max_epochs:
        epoch += 1
        epoch_examples = examples + (silver_rng.sample(silver_examples, n_silver) if n_silver else [])
        random.shuffle(epoch_examples)
        losses: dict = {}
        for batch in _batch_by_words(epoch_examples, batch_words):
            nlp.update(batch, drop=dropout, sgd=optimizer, losses=losses)
            step += 1
            if step % eval_every == 0:
                evaluate()
            if time.time() > deadline:
                done = True
                break
        log(f"epoch {epoch} done, step {step}, loss {losses.get('ner', 0):.1f}")
    evaluate()
    # the best checkpoint is in out_dir already: its metrics.json is rewritten as final
    metrics = build_metrics(partial=False)
    text = json.dumps(metrics, ensure_ascii=False, indent=2) + "\n"
    (out_dir / "metrics.json").write_text(text, encoding="utf-8")
    if metrics_path is None and out_dir.resolve() == DEFAULT_MODEL_DIR.resolve():
        metrics_path = DEFAULT_MODEL_DIR.parent / "metrics.json"
    if metrics_path is not None:
        Path(metrics_path).write_text(text, encoding="utf-8")
    return metrics


def silver_meta_path(silver: str | Path) -> Path:
    """The provenance file written beside a silver JSONL (``NAME.jsonl.meta.json``)."""
    silver = Path(silver)
    return silver.with_name(silver.name + ".meta.json")


def _silver_teacher(silver: str | Path) -> dict | None:
    try:
        return json.loads(silver_meta_path(silver).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def make_silver(teacher: str, out_path: str | Path, *, sentences: str | Path | None = "auto",
                articles: str | Path | None = "auto", exclude_ids=None, device: str | None = None,
                threads: int | None = None, batch: int = 512, log=print) -> dict:
    """Label unlabeled Korean text with a teacher NER and write it as silver training data.

    Args:
        teacher: ``accurate`` (the shipped tier) or ``hf:PATH`` (a checkpoint from
            ``kornews train --backend transformers``).
        out_path: the silver JSONL (``{"id", "text", "entities": [[s, e, LABEL]],
            "corpus"}``, contract labels) and ``out_path.meta.json`` (teacher,
            sources, counts) beside it; written whole at the end.
        sentences: one sentence a line; ``"auto"``:
            ``../shared/corpora/unlabeled/klue_ner_train_sentences.txt``.
        articles: news JSONL cut into paragraphs (:func:`models.ner.data.unlabeled_texts`);
            ``"auto"``: ``../shared/corpora/news/wikinews_ko.jsonl``.
        exclude_ids: article ids left out; default: the articles of the
            hand-made Wikinews gold (``corpora/gold/wikinews_orgs.json``), so the
            article-level evaluation stays on text the student never saw.
        device, threads: where the teacher runs; ``torch.set_num_threads``.

    Returns:
        The provenance dict (also in ``out_path.meta.json``).
    """
    from .backends import accurate_dir
    from .data import unlabeled_texts
    from .hf import HfTokenClassifier, _import_hf, read_kornews_settings

    torch, _ = _import_hf()
    if threads:
        torch.set_num_threads(int(threads))
    shared = corpora_dir().parent.parent / "shared" / "corpora"
    if sentences == "auto":
        sentences = shared / "unlabeled" / "klue_ner_train_sentences.txt"
    if articles == "auto":
        articles = shared / "news" / "wikinews_ko.jsonl"
    if exclude_ids is None:
        gold = corpora_dir() / "gold" / "wikinews_orgs.json"
        exclude_ids = ([a["id"] for a in json.loads(gold.read_text(encoding="utf-8"))["articles"]]
                       if gold.exists() else [])
    path = accurate_dir() if teacher == "accurate" else Path(teacher[3:] if teacher.startswith("hf:") else teacher)
    t0 = time.time()
    clf = HfTokenClassifier(path, device=device)
    texts = unlabeled_texts(sentences, articles, exclude_ids=exclude_ids)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.part")
    counts: dict = {}
    with tmp.open("w", encoding="utf-8") as f:
        for i in range(0, len(texts), batch):
            chunk = texts[i:i + batch]
            for rec, spans in zip(chunk, clf.predict_many([r["text"] for r in chunk])):
                for _, _, lab in spans:
                    counts[lab] = counts.get(lab, 0) + 1
                f.write(json.dumps({"id": rec["id"], "text": rec["text"], "entities": [list(x) for x in spans],
                                    "corpus": f"silver:{rec['corpus']}"}, ensure_ascii=False) + "\n")
            log(f"silver: {min(i + batch, len(texts))}/{len(texts)} texts, {time.time() - t0:.0f}s")
    settings = read_kornews_settings(path)
    meta = {"teacher": teacher, "teacher_path": str(path), "teacher_model": settings.get("model_name"),
            "sources": [str(x) for x in (sentences, articles) if x], "excluded_article_ids": len(list(exclude_ids)),
            "texts": len(texts), "chars": sum(len(r["text"]) for r in texts), "entities": counts,
            "seconds": round(time.time() - t0, 1), "device": clf.device}
    tmp.replace(out_path)
    silver_meta_path(out_path).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


def _batch_by_words(examples, size: int):
    batch, n = [], 0
    for eg in examples:
        batch.append(eg)
        n += len(eg.reference)
        if n >= size:
            yield batch
            batch, n = [], 0
    if batch:
        yield batch


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description="Train the kornews NER (ORG PER LOC DATE MONEY).")
    p.add_argument("--data", required=True, type=Path)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--backend", default="mecab")
    p.add_argument("--dev-fraction", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-minutes", type=float, default=25.0)
    p.add_argument("--max-epochs", type=int, default=30)
    p.add_argument("--vectors", default="auto", help="'auto' (train floret vectors), 'none', or a vectors dir")
    p.add_argument("--unlabeled", type=Path, default=None)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--depth", type=int, default=2)
    p.add_argument("--window", type=int, default=1)
    p.add_argument("--pieces", type=int, default=3, help="maxout pieces of the CNN layers")
    p.add_argument("--dropout", type=float, default=0.15)
    p.add_argument("--eval-every", type=int, default=400)
    p.add_argument("--arch", choices=ARCHITECTURES, default="tagger")
    p.add_argument("--lexicon-drop", type=float, default=0.0,
                   help="share of lexicon matches left unmarked in training")
    p.add_argument("--paragraph-share", type=float, default=0.3,
                   help="share of training sentences joined with the next across a paragraph break")
    p.add_argument("--select", choices=SELECTIONS, default="org_money",
                   help="dev score that picks the checkpoint")
    p.add_argument("--no-lexicon", dest="lexicon", action="store_false",
                   help="train without the lexicon feature (models/ner/lexicon.py)")
    p.add_argument("--average", action="store_true",
                   help="score and save the optimizer's moving averages of the weights")
    p.add_argument("--silver", type=Path, default=None,
                   help="teacher-labelled JSONL mixed into training (distillation); written first when "
                        "--teacher is given and the file is missing")
    p.add_argument("--silver-ratio", type=float, default=1.0,
                   help="silver records sampled per gold record each epoch")
    p.add_argument("--teacher", default=None, help="'accurate' or 'hf:PATH': labels --silver when it is missing")
    p.add_argument("--teacher-device", default=None)
    args = p.parse_args(argv)
    if args.teacher and args.silver and not args.silver.exists():
        make_silver(args.teacher, args.silver, device=args.teacher_device)
    m = train_ner(args.data, args.out, backend=args.backend, dev_fraction=args.dev_fraction,
                  seed=args.seed, max_minutes=args.max_minutes, max_epochs=args.max_epochs,
                  vectors=None if args.vectors == "none" else args.vectors, unlabeled=args.unlabeled, width=args.width, depth=args.depth, window=args.window,
                  dropout=args.dropout, eval_every=args.eval_every, arch=args.arch,
                  lexicon=args.lexicon, lexicon_drop=args.lexicon_drop,
                  paragraph_share=args.paragraph_share, select=args.select, pieces=args.pieces,
                  average=args.average, silver=args.silver, silver_ratio=args.silver_ratio)
    print(json.dumps({k: m[k] for k in ("dev", "training_seconds")}, indent=1))


if __name__ == "__main__":
    main()
