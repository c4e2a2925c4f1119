"""A BILUO sequence-tagging NER component: one softmax per morpheme.

spaCy's built-in ``ner`` is a transition-based parser: after its CNN it runs a
greedy state machine, one hidden layer per token and step. On mecab-ko
morphemes that loop costs about as much as the CNN itself. This component
keeps the same CNN (``spacy.Tok2Vec.v2``) and replaces the state machine with
a single softmax over BILUO tags (``O``, ``B-ORG``, ``I-ORG``, ``L-ORG``,
``U-ORG``, …), the model spaCy's ``tagger`` uses (``spacy.Tagger.v2``), so a
batch of articles costs one matrix product after the CNN.

Decoding is, by default, a Viterbi search for the best *valid* BILUO sequence
(run only over the stretches where some token is not surely ``O``);
``decode = "greedy"`` takes each token's best tag and reads it leniently. Training uses
``Example.get_aligned_ner``: tokens whose gold is missing (misaligned spans)
give no gradient.

It is a spaCy factory, ``kornews_biluo_ner``; the trained pipeline names the
component ``ner``, so ``nlp.get_pipe("ner")`` and the loaders work for either
architecture.
"""
# no "from __future__ import annotations": spaCy validates initialize()'s signature with pydantic

import functools
from typing import Callable, Iterable, Optional, Sequence

import numpy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.tokens import Doc, Span
from spacy.training import Example, validate_examples
from spacy.vocab import Vocab
from thinc.api import Config, Model, SequenceCategoricalCrossentropy

_DEFAULT_MODEL = Config().from_str("""
[model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[model.tok2vec]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = null
width = 96
depth = 4
embed_size = 2000
window_size = 1
maxout_pieces = 3
subword_features = true
""")["model"]

#: BILUO moves, in the order their tag ids are laid out per label.
MOVES = ("B", "I", "L", "U")
#: ``viterbi``: best valid BILUO sequence (:func:`viterbi_biluo`); ``greedy``: best tag per token.
DECODERS = ("viterbi", "greedy")


@Language.factory("kornews_biluo_ner", assigns=["doc.ents"],
                  default_config={"model": _DEFAULT_MODEL, "decode": "viterbi",
                                  "scorer": {"@scorers": "spacy.ner_scorer.v1"}},
                  default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None})
def make_biluo_ner(nlp: Language, name: str, model: Model, decode: str, scorer: Optional[Callable]) -> "BiluoNer":
    return BiluoNer(nlp.vocab, model, name, decode=decode, scorer=scorer)


class BiluoNer(TrainablePipe):
    """Entity recognizer that tags each token with a BILUO tag (see module doc)."""

    def __init__(self, vocab: Vocab, model: Model, name: str = "ner", *, decode: str = "viterbi",
                 scorer: Optional[Callable] = None) -> None:
        if decode not in DECODERS:
            raise ValueError(f"[kornews] decode must be one of {', '.join(DECODERS)}, not {decode!r}")
        self.decode = decode
        self.vocab = vocab
        self.model = model
        self.name = name
        self.cfg: dict = {"labels": []}
        self.scorer = scorer

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.cfg["labels"])

    @property
    def tags(self) -> tuple[str, ...]:
        """Tag names by id: ``O`` then ``B-``/``I-``/``L-``/``U-`` for each label."""
        return ("O",) + tuple(f"{m}-{lab}" for lab in self.labels for m in MOVES)

    def add_label(self, label: str) -> int:
        if label in self.cfg["labels"]:
            return 0
        self._require_no_model("add_label")
        self.cfg["labels"].append(label)
        return 1

    def _require_no_model(self, what: str) -> None:
        if self.model.has_dim("nO") and self.model.get_dim("nO"):
            raise ValueError(f"[kornews] {self.name}.{what}: the model is already initialized; "
                             "labels can only change before nlp.initialize()")

    def predict(self, docs: Sequence[Doc]) -> list[numpy.ndarray]:
        """Tag scores (unnormalized: ``spacy.Tagger.v2`` skips the softmax at
        inference), one ``(len(doc), len(self.tags))`` array per doc."""
        if not any(len(doc) for doc in docs):
            return [numpy.zeros((len(doc), len(self.tags)), dtype="f") for doc in docs]
        return [self.model.ops.to_numpy(s) for s in self.model.predict(list(docs))]

    def set_annotations(self, docs: Iterable[Doc], scores: Sequence[numpy.ndarray]) -> None:
        for doc, probs in zip(docs, scores):
            # whitespace tokens ("\n\n" between paragraphs) are never part of an entity
            space = doc.to_array(IS_SPACE).astype(bool) if len(doc) else numpy.zeros(0, dtype=bool)
            if self.decode == "viterbi":
                ids = viterbi_biluo(probs, outside=space)
            else:
                ids = probs.argmax(axis=1)
                ids[space] = 0
            doc.ents = [Span(doc, s, e, label=self.labels[li]) for s, e, li in decode_biluo(ids)]

    def get_loss(self, examples: Iterable[Example], scores) -> tuple[float, list]:
        validate_examples(examples, "BiluoNer.get_loss")
        tagset = set(self.tags)
        truths = [[t if t in tagset else None for t in eg.get_aligned_ner()] for eg in examples]
        loss_func = SequenceCategoricalCrossentropy(names=self.tags, normalize=False)
        d_scores, loss = loss_func(scores, truths)
        return float(loss), d_scores

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Optional[Language] = None,
                   labels: Optional[Sequence[str]] = None) -> None:
        validate_examples(get_examples(), "BiluoNer.initialize")
        if labels is not None:
            for lab in labels:
                self.add_label(lab)
        else:
            for eg in get_examples():
                for ent in eg.reference.ents:
                    self.add_label(ent.label_)
        docs = [eg.predicted for eg in list(get_examples())[:10]]
        n_tags = len(self.tags)
        self.model.initialize(X=docs, Y=[self.model.ops.alloc2f(len(d), n_tags) for d in docs])


@functools.lru_cache(maxsize=8)
def _transitions(n_labels: int) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """BILUO constraints as additive log-scores (0 allowed, -inf not): (trans, start, end)."""
    n = 1 + 4 * n_labels
    inside = numpy.zeros(n, dtype=bool)  # B-x or I-x: an entity is open after this tag
    for li in range(n_labels):
        inside[1 + 4 * li] = inside[2 + 4 * li] = True
    trans = numpy.full((n, n), -numpy.inf, dtype="float32")
    for prev in range(n):
        for cur in range(n):
            cur_label, cur_move = divmod(cur - 1, 4)
            if cur == 0 or cur_move in (0, 3):  # O, B, U: only when nothing is open
                ok = not inside[prev]
            else:  # I, L: continue an open entity of the same label
                ok = bool(inside[prev]) and (prev - 1) // 4 == cur_label
            if ok:
                trans[prev, cur] = 0.0
    start = numpy.where(trans[0] == 0.0, 0.0, -numpy.inf).astype("float32")  # as if after O
    end = numpy.where(inside, -numpy.inf, 0.0).astype("float32")
    return trans, start, end


def viterbi_biluo(scores: numpy.ndarray, certain: float = 0.99,
                  outside: Optional[numpy.ndarray] = None) -> numpy.ndarray:
    """Best *valid* BILUO tag sequence for a ``(n_tokens, 1 + 4·labels)`` score table.

    ``scores`` are logits (what :meth:`BiluoNer.predict` returns); they are
    log-softmax-normalized per token here. ``outside`` marks tokens that must
    be ``O`` (whitespace tokens).

    The constraints are hard (a transition is allowed or not), so where each
    token's best tag already makes a valid sequence, that sequence *is* the
    best valid one and is returned as is. Otherwise tokens whose ``O``
    probability is at least ``certain`` are fixed to ``O``, and the exact
    Viterbi search (log-probabilities, BILUO constraints) runs only over the
    islands between them whose best tags are not valid, so its cost follows
    the doubtful entity tokens, not the article length.

    >>> logits = numpy.log([[.01, .6, .1, .2, .09], [.01, .1, .1, .7, .09]])
    >>> viterbi_biluo(logits).tolist()                    # B then L: one entity
    [1, 3]
    >>> viterbi_biluo(numpy.log([[.1, .1, .5, .1, .2]])).tolist()  # a lone I is not valid: U
    [4]
    >>> viterbi_biluo(logits, outside=numpy.array([True, False])).tolist()   # token 0 forced to O
    [0, 4]
    """
    n_tokens, n_tags = scores.shape
    if not n_tokens:
        return numpy.zeros(0, dtype="i")
    trans, start, end = _transitions((n_tags - 1) // 4)
    best = scores.argmax(axis=1).astype("i")
    if outside is not None:
        best[outside] = 0
    bad = _bad_steps(best, trans)
    if not bad.any():
        return best
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - numpy.log(numpy.exp(shifted).sum(axis=1, keepdims=True))  # a new array
    if outside is not None and outside.any():
        logp[outside] = -numpy.inf
        logp[outside, 0] = 0.0
    # islands: maximal runs of tokens not surely O; only those with a bad step
    # (step i joins tokens i-1 and i; steps a and b join island [a, b) to its O
    # neighbours) are searched. The surely-O tokens' best tag is O already.
    idx = numpy.flatnonzero(logp[:, 0] < numpy.log(certain))
    breaks = numpy.flatnonzero(numpy.diff(idx) > 1)
    starts = idx[numpy.concatenate(([0], breaks + 1))]
    ends = idx[numpy.concatenate((breaks, [len(idx) - 1]))] + 1
    n_bad = numpy.concatenate(([0], numpy.cumsum(bad)))
    search = n_bad[ends + 1] > n_bad[starts]
    out = best  # the other tokens keep their best tags
    for a, b in zip(starts[search].tolist(), ends[search].tolist()):
        delta = start + logp[a]
        back = numpy.empty((b - a, n_tags), dtype="i")
        for t in range(a + 1, b):
            cand = delta[:, None] + trans
            back[t - a] = cand.argmax(axis=0)
            delta = cand[back[t - a], numpy.arange(n_tags)] + logp[t]
        tag = int((delta + end).argmax())
        for t in range(b - 1, a - 1, -1):
            out[t] = tag
            tag = back[t - a][tag] if t > a else tag
    return out


def _bad_steps(ids: numpy.ndarray, trans: numpy.ndarray) -> numpy.ndarray:
    """For tag ids with an ``O`` added before and after, whether each of the
    ``len(ids) + 1`` steps between neighbours breaks the BILUO constraints."""
    padded = numpy.concatenate(([0], ids, [0]))
    return trans[padded[:-1], padded[1:]] != 0.0


def decode_biluo(ids: Sequence[int]) -> list[tuple[int, int, int]]:
    """Token spans ``(start, end, label index)`` from BILUO tag ids (0 = ``O``).

    Greedy and lenient: ``B``/``U`` always start an entity; ``I``/``L`` continue
    an open entity of the same label and start one otherwise; an entity ends
    at ``L``/``U``, at the next ``O``, or where another entity starts.

    >>> decode_biluo([0, 1, 2, 3, 0, 4])            # O B-0 I-0 L-0 O U-0
    [(1, 4, 0), (5, 6, 0)]
    >>> decode_biluo([2, 2, 0, 5, 7, 3])            # I-0 I-0 O B-1 L-1 L-0
    [(0, 2, 0), (3, 5, 1), (5, 6, 0)]
    """
    ids = numpy.asarray(ids)
    out: list[tuple[int, int, int]] = []
    start = label = -1
    prev = -2
    for i in numpy.flatnonzero(ids).tolist():
        label_i, move = divmod(int(ids[i]) - 1, 4)
        if start >= 0 and (i != prev + 1 or move in (0, 3) or label_i != label):
            out.append((start, prev + 1, label))
            start = -1
        if move == 3:
            out.append((i, i + 1, label_i))
        else:
            if start < 0:
                start, label = i, label_i
            if move == 2:
                out.append((start, i + 1, label))
                start = -1
        prev = i
    if start >= 0:
        out.append((start, prev + 1, label))
    return out
