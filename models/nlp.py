"""The spaCy ``Language`` for Korean news, built on our morpheme tokenizers.

``spacy.blank("ko")`` needs natto-py and a system MeCab, so the Korean
``Language`` here gets its tokenizer from :mod:`models.tokenize` instead. Tokens
are *surface morphemes*: 네이버가 → 네이버 | 가, so entity boundaries stop before
particles. Every token keeps its character offset (``token.idx``) into the text,
``token.tag_`` holds the morpheme tags (``XSV+EP`` for 했) and ``token.lemma_``
the morpheme forms (``하+었``). ``doc.text`` is always the input text, unchanged.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

import numpy
from spacy.attrs import IDX, IS_SPACE, LEMMA, ORTH, SENT_START, TAG
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry
from spacy.vocab import Vocab

from .tokenize import (DEFAULT_BACKEND, SurfaceToken, Tokenizer, add_whitespace_gap, create_tokenizer,
                       surface_tokens)

for _name, _default in (("canonical", None), ("norm", None), ("source", None), ("kind", None),
                        ("parent", None), ("year", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)

# Sentence ends: 다. 요. ? ! 。 and line breaks. A period between digits (3.5) or
# inside an abbreviation followed by a non-space is not an end.
_SENT_END = re.compile(r"(?<=[.?!。])[\"'”’」』)\]]*(?=\s)|\n+"
                       # scraped text that lost the space after a period: "채택됐다.CVPR은",
                       # "밝혔다.한편" (a syllable, an end mark, then a word; never 3.5 nor co.kr)
                       r"|(?<=[가-힣][.?!])(?=[가-힣A-Z“‘\"'(\[])")


#: Longest sentence: a longer stretch without a sentence end (a run-on list, a table
#: flattened to one line, a pathological input) is cut at a space before this many
#: characters. Press sentences are far shorter; extractors read a mention's sentence
#: and clause, so a bound here keeps their cost linear in the article.
MAX_SENTENCE_CHARS = 1000


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence ``(start, end)`` spans, end exclusive, trimmed.

    >>> t = "네이버가 발표했다. 3.5%였다.\\n둘째 문단"
    >>> [t[s:e] for s, e in sentence_spans(t)]
    ['네이버가 발표했다.', '3.5%였다.', '둘째 문단']
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        _append_trimmed(text, pos, m.end() if m.group().strip() else m.start(), spans)
        pos = m.end()
    _append_trimmed(text, pos, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:  # cut an overlong stretch at its last space in reach
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        _append_trimmed(text, start, cut, spans)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))


_TEXT_KEY = "kornews.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, without rebuilding it from the tokens when the tokenizer kept it.

    spaCy joins every token's text on each ``Doc.text`` access; our tokenizer
    guarantees ``doc.text == text`` and keeps ``text`` in ``doc.user_data``.
    """
    text = doc.user_data.get(_TEXT_KEY)
    return text if text is not None else doc.text


class KoreanTokenizer:
    """A spaCy tokenizer (``str -> Doc``) over a :class:`models.tokenize.Tokenizer`.

    Whitespace between tokens is kept the spaCy way: one space becomes the
    previous token's ``whitespace_``; anything longer becomes a space token, so
    ``doc.text == text`` always holds.
    """

    def __init__(self, vocab: Vocab, backend: Tokenizer):
        self.vocab = vocab
        self.backend = backend

    def __call__(self, text: str) -> Doc:
        doc_words = getattr(self.backend, "doc_words", None)  # a backend's fast path (mecab-ko)
        if doc_words is not None:
            got = doc_words(text)
            if got is not None:
                words, spaces, tags = got
                return self._doc(text, words, spaces, tags, words)
        surface = getattr(self.backend, "surface", None)
        if surface is not None:
            return self.doc_from_tokens(text, surface(text))
        return self.doc_from_morphs(text, self.backend.morphs(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterable[Doc]:
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self._pipe_batch(batch)
                batch = []
        if batch:
            yield from self._pipe_batch(batch)

    def _pipe_batch(self, texts: Sequence[str]) -> Iterable[Doc]:
        if getattr(self.backend, "surface", None) is not None:
            yield from map(self, texts)
            return
        for text, morphs in zip(texts, self.backend.morphs_batch(texts)):
            yield self.doc_from_morphs(text, morphs)

    def doc_from_morphs(self, text: str, morphs) -> Doc:
        return self.doc_from_tokens(text, surface_tokens(text, morphs))

    def doc_from_tokens(self, text: str, toks: Sequence[SurfaceToken]) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        tags: list[str] = []
        lemmas: list[str] = []

        def add_gap(gap: str) -> None:
            n = len(words)
            add_whitespace_gap(gap, words, spaces, tags)  # tokens never leave a non-space gap
            lemmas.extend(words[n:])

        pos = 0
        for t in toks:
            if t.start > pos:
                add_gap(text[pos:t.start])
            words.append(text[t.start:t.end])
            spaces.append(False)
            tags.append(t.tag)
            lemmas.append(t.lemma)
            pos = t.end
        if pos < len(text):
            add_gap(text[pos:])
        return self._doc(text, words, spaces, tags, lemmas)

    def _doc(self, text: str, words: list[str], spaces: list[bool], tags: list[str],
             lemmas: list[str]) -> Doc:
        """The Doc, its tags, lemmas and sentence starts set as arrays: per-token
        ``tags=``/``lemmas=`` in ``Doc()`` cost more than the tokenizer itself."""
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[_TEXT_KEY] = text
        if not words:
            return doc
        add = self.vocab.strings.add
        tag_ids = {tag: add(tag) for tag in set(tags)}
        values = numpy.empty((len(words), 3), dtype="uint64")
        values[:, 0] = [tag_ids[t] for t in tags]
        values[:, 1] = doc.to_array(ORTH) if lemmas is words else [add(lemma) for lemma in lemmas]
        # SENT_START is 1 (starts a sentence) or -1 (does not), stored as uint64
        values[:, 2] = _sent_starts(doc, text).view("uint64")
        doc.from_array([TAG, LEMMA, SENT_START], values)
        return doc

    # spaCy serialization hooks: the backend is rebuilt from config, nothing to save
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs):
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs):
        return self


def _sent_starts(doc: Doc, text: str) -> numpy.ndarray:
    """SENT_START values for ``doc`` (int64: 1 starts a sentence, -1 does not): the
    first non-space token, and every non-space token at a :func:`sentence_spans` start."""
    idx = doc.to_array(IDX)
    space = doc.to_array(IS_SPACE).astype(bool)
    starts = numpy.isin(idx, numpy.array([s for s, _ in sentence_spans(text)], dtype=idx.dtype)) & ~space
    words = numpy.flatnonzero(~space)
    if len(words):
        starts[words[0]] = True
    return numpy.where(starts, 1, -1).astype("int64")


@registry.tokenizers("kornews.ko_tokenizer.v1")
def create_ko_tokenizer(backend: str = DEFAULT_BACKEND, user_words: bool = True):
    """spaCy registry entry: ``[nlp.tokenizer] @tokenizers = "kornews.ko_tokenizer.v1"``."""

    def make(nlp: Language) -> KoreanTokenizer:
        words = ()
        if user_words and backend == "kiwi":
            from .gazetteer import kiwi_user_words

            words = kiwi_user_words()
        return KoreanTokenizer(nlp.vocab, create_tokenizer(backend, user_words=words))

    return make


class KoreanNews(Language):
    """Korean ``Language`` whose tokenizer comes from the config (no natto/MeCab needed)."""

    lang = "ko"


def blank_korean(backend: str = DEFAULT_BACKEND, user_words: bool = True) -> Language:
    """Return an empty Korean pipeline that tokenizes into surface morphemes.

    Example:
        >>> nlp = blank_korean("kiwi")            # doctest: +SKIP
        >>> [t.text for t in nlp("네이버가 발표했다")]   # doctest: +SKIP
        ['네이버', '가', '발표', '했', '다']
    """
    config = {"nlp": {"tokenizer": {"@tokenizers": "kornews.ko_tokenizer.v1",
                                    "backend": backend, "user_words": user_words}}}
    return KoreanNews.from_config(config)
