"""English → Hangul transcription of venue titles, and Hangul spelling-variant folding.

Two jobs, both pure functions over small embedded rule tables:

1. **Transcription** (:func:`arpabet_to_hangul`, :func:`transliterate_title`):
   an English word's ARPAbet pronunciation (CMUdict style, ``K AH0 M P Y UW1 T ER0``)
   is written in Hangul under the Korean loanword orthography for English
   (외래어 표기법 제3장 제1절): voiceless stops after a short vowel become a final
   consonant (``book`` 북, ``act`` 액트), other stops and fricatives take 으
   (``land`` 랜드, ``mask`` 마스크), [ʃ] is 시/슈/샤…, [ʧ ʤ] are 치/지 before a
   consonant, [ts dz] are 츠/즈, a medial [l] before a vowel is doubled
   (``slide`` 슬라이드), a post-vocalic [r] is dropped (``part`` 파트), [w j] glide
   into the next vowel (``quarter`` 쿼터, ``review`` 리뷰). The press often
   spells an unstressed vowel from the letter rather than the sound (케미칼,
   커뮤니케이션즈, 로보틱스), so :func:`transliterate_word` also returns
   spelling-guided variants.

   The pronunciations themselves are *not* in this module: callers pass a
   :class:`Pronouncer` built from a pronouncing dictionary (the venue KB build
   reads CMUdict from ``../shared``; tests pass a few words). Words missing
   from the dictionary are tried as stem + known suffix (``photon`` + ``-ics``),
   known combining form + word (``nano`` + ``photonics``) or two dictionary
   words; a title with a word that still has no pronunciation gets no Hangul
   form.

2. **Folding** (:func:`fold_hangul`): maps each Hangul syllable to a
   representative of its spelling-variant class, one character for one
   character, so offsets survive. The press writes the same loanword with
   ㅓ/ㅔ/ㅐ/ㅏ, 져/저, 뤼/리, 쎌/셀, 즈/스/츠, 드/트 and 프/브 alternations; after
   folding 레터즈 = 레터스, 어드밴스드 = 어드밴스트, 져널 = 저널. Spacing is
   handled by the matcher (it ignores whitespace), and a dropped plural 스
   (레터 for Letters) by :func:`hangul_variants`.

Example:
    >>> pr = Pronouncer({"nano": [["N", "AE1", "N", "OW0"]], "letters": [["L", "EH1", "T", "ER0", "Z"]]})
    >>> transliterate_title("Nano Letters", pr)
    ['내노 레터즈']
    >>> fold_hangul("나노 레터스") == fold_hangul("내노 레터즈")
    True
"""
from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

__all__ = [
    "Pronouncer",
    "arpabet_to_hangul",
    "transliterate_word",
    "transliterate_title",
    "fold_hangul",
    "fold_syllable",
    "hangul_variants",
    "is_hangul",
    "FOLD_TABLE",
]

# ---------------------------------------------------------------------------
# Jamo arithmetic

_L = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_V = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_T = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ",
      "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")
_L_IDX = {c: i for i, c in enumerate(_L)}
_V_IDX = {c: i for i, c in enumerate(_V)}
_T_IDX = {c: i for i, c in enumerate(_T)}
_SBASE, _SCOUNT = 0xAC00, 11172


def _compose(onset: str, nucleus: str, coda: str | None) -> str:
    return chr(_SBASE + (_L_IDX[onset] * 21 + _V_IDX[nucleus]) * 28 + _T_IDX[coda or ""])


def _decompose(syllable: str) -> tuple[str, str, str]:
    k = ord(syllable) - _SBASE
    return _L[k // 588], _V[(k % 588) // 28], _T[k % 28]


def is_hangul(ch: str) -> bool:
    """True for a precomposed Hangul syllable (가–힣)."""
    return "\uac00" <= ch <= "\ud7a3"


# ---------------------------------------------------------------------------
# Folding: one syllable → its variant-class representative

# Tense and aspirated initials fold into the lax one; ㅈ/ㅊ/ㅉ are one class.
_FOLD_L = {"ㄲ": "ㄱ", "ㅋ": "ㄱ", "ㄸ": "ㄷ", "ㅌ": "ㄷ", "ㅃ": "ㅂ", "ㅍ": "ㅂ", "ㅆ": "ㅅ", "ㅉ": "ㅈ", "ㅊ": "ㅈ"}
# ㅏ ㅐ ㅓ ㅔ are one class (피지컬/피지칼, 매터/메터, 레터/레테); y-vowels likewise;
# ㅜ/ㅠ (뉴/누), ㅣ/ㅟ/ㅢ (리/뤼), ㅘ/ㅝ and ㅙ/ㅚ/ㅞ.
_FOLD_V = {"ㅏ": "ㅓ", "ㅐ": "ㅓ", "ㅔ": "ㅓ", "ㅑ": "ㅕ", "ㅒ": "ㅕ", "ㅖ": "ㅕ", "ㅠ": "ㅜ", "ㅟ": "ㅣ",
           "ㅢ": "ㅣ", "ㅘ": "ㅝ", "ㅙ": "ㅞ", "ㅚ": "ㅞ"}
# After ㅅ/ㅈ a y-vowel is written both ways (져널/저널, 셰/세): drop the glide.
_UNGLIDE = {"ㅕ": "ㅓ", "ㅛ": "ㅗ", "ㅜ": "ㅜ"}
# Finals: ㅇ/ㄴ vary before a velar (옹콜로지/온콜로지).
_FOLD_T = {"ㄲ": "ㄱ", "ㅋ": "ㄱ", "ㅆ": "ㅅ", "ㄷ": "ㅅ", "ㅌ": "ㅅ", "ㅈ": "ㅅ", "ㅊ": "ㅅ", "ㅎ": "ㅅ", "ㅍ": "ㅂ",
           "ㅇ": "ㄴ"}


def fold_syllable(syllable: str) -> str:
    """The representative of a Hangul syllable's spelling-variant class.

    Characters that are not precomposed syllables are returned unchanged.

    >>> fold_syllable("즈") == fold_syllable("스") == fold_syllable("츠")
    True
    >>> fold_syllable("져") == fold_syllable("저")
    True
    """
    if not is_hangul(syllable):
        return syllable
    onset, nucleus, coda = _decompose(syllable)
    onset = _FOLD_L.get(onset, onset)
    nucleus = _FOLD_V.get(nucleus, nucleus)
    if onset in ("ㅅ", "ㅈ"):
        nucleus = _UNGLIDE.get(nucleus, nucleus)
    if onset == "ㅈ" and nucleus == "ㅡ" and not coda:
        onset = "ㅅ"  # 즈/츠 → 스: the plural and -ts endings vary freely
    coda = _FOLD_T.get(coda, coda)
    return _compose(onset, nucleus, coda)


#: ``str.translate`` table folding every precomposed syllable (see :func:`fold_syllable`).
FOLD_TABLE: dict[int, str] = {
    cp: f for cp in range(_SBASE, _SBASE + _SCOUNT) if (f := fold_syllable(chr(cp))) != chr(cp)
}


def fold_hangul(text: str) -> str:
    """Fold every Hangul syllable of ``text``; ``len(result) == len(text)``.

    >>> fold_hangul("피지칼 뤼뷰") == fold_hangul("피지컬 리뷰")
    True
    """
    return text.translate(FOLD_TABLE)


_PLURAL_END = frozenset("스즈츠")


def hangul_variants(form: str, max_variants: int = 8) -> list[str]:
    """Spellings of a Hangul title the press also uses: a word-final plural 스/즈
    dropped (레터스 → 레터), a final 츠 written 트 (리포츠 → 리포트).

    Words are the space-separated parts of ``form``; only words of two or more
    syllables are shortened. The first item is ``form`` itself.

    >>> hangul_variants("나노 레터스")
    ['나노 레터스', '나노 레터']
    """
    words = form.split()
    options: list[list[str]] = []
    for w in words:
        opts = [w]
        if len(w) >= 3 and w[-1] in _PLURAL_END and all(is_hangul(c) for c in w):
            opts.append(w[:-1])
            if w[-1] == "츠":
                opts.append(w[:-1] + "트")
        options.append(opts)
    out = [""]
    for opts in options:
        out = [f"{a} {b}" if a else b for a in out for b in opts]
    seen, result = set(), []
    for v in out:
        if v not in seen:
            seen.add(v)
            result.append(v)
        if len(result) >= max_variants:
            break
    return result


# ---------------------------------------------------------------------------
# ARPAbet → Hangul

_VOWELS: dict[str, tuple[str, ...]] = {
    "AA": ("ㅏ",), "AE": ("ㅐ",), "AH": ("ㅓ",), "AO": ("ㅗ",), "AW": ("ㅏ", "ㅜ"), "AY": ("ㅏ", "ㅣ"),
    "EH": ("ㅔ",), "ER": ("ㅓ",), "EY": ("ㅔ", "ㅣ"), "IH": ("ㅣ",), "IY": ("ㅣ",), "OW": ("ㅗ",),
    "OY": ("ㅗ", "ㅣ"), "UH": ("ㅜ",), "UW": ("ㅜ",),
}
_ONSET = {"B": "ㅂ", "CH": "ㅊ", "D": "ㄷ", "DH": "ㄷ", "F": "ㅍ", "G": "ㄱ", "HH": "ㅎ", "JH": "ㅈ", "K": "ㅋ",
          "L": "ㄹ", "M": "ㅁ", "N": "ㄴ", "NG": "ㅇ", "P": "ㅍ", "R": "ㄹ", "S": "ㅅ", "SH": "ㅅ", "T": "ㅌ",
          "TH": "ㅅ", "V": "ㅂ", "Z": "ㅈ", "ZH": "ㅈ"}
_GLIDES = ("W", "Y")
PHONEMES = frozenset(_VOWELS) | frozenset(_ONSET) | frozenset(_GLIDES)
_Y = {"ㅏ": "ㅑ", "ㅐ": "ㅒ", "ㅓ": "ㅕ", "ㅔ": "ㅖ", "ㅗ": "ㅛ", "ㅜ": "ㅠ", "ㅣ": "ㅣ", "ㅡ": "ㅡ"}
_W = {"ㅏ": "ㅘ", "ㅐ": "ㅙ", "ㅓ": "ㅝ", "ㅔ": "ㅞ", "ㅗ": "ㅝ", "ㅜ": "ㅜ", "ㅣ": "ㅟ", "ㅡ": "ㅜ"}
_PLAIN = {"ㅑ": "ㅏ", "ㅒ": "ㅐ", "ㅕ": "ㅓ", "ㅖ": "ㅔ", "ㅛ": "ㅗ", "ㅠ": "ㅜ"}
_CODA = {"K": "ㄱ", "P": "ㅂ", "T": "ㅅ", "M": "ㅁ", "N": "ㄴ", "NG": "ㅇ", "L": "ㄹ"}
# Short vowels: a voiceless stop after one closes the syllable (갭, 캣, 북).
_SHORT = frozenset({"AE", "EH", "IH", "AH", "UH", "AA"})
_LIQUID_NASAL = frozenset({"L", "R", "M", "N"})


def _base(phone: str) -> str:
    return phone.rstrip("012")


def arpabet_to_hangul(phones: Sequence[str], nuclei: Mapping[int, str] | None = None) -> str:
    """Write one word's ARPAbet pronunciation in Hangul (외래어 표기법, English).

    Args:
        phones: ARPAbet phonemes with or without stress digits
            (``["N", "EY1", "CH", "ER0"]``).
        nuclei: optional vowel overrides, phoneme index → Hangul vowel jamo
            (used for the spelling-guided variants of :func:`transliterate_word`).

    Returns:
        str: the Hangul spelling (``"네이처"``); empty for an empty input.

    Raises:
        ValueError: for a symbol that is not an ARPAbet phoneme.

    >>> arpabet_to_hangul("F IH1 Z IH0 K AH0 L".split())
    '피지컬'
    >>> arpabet_to_hangul("R IH0 P AO1 R T S".split())
    '리포츠'
    """
    ph = [_base(p) for p in phones]
    bad = [p for p in ph if p not in PHONEMES]
    if bad:
        raise ValueError(f"not ARPAbet phonemes: {bad}")
    nuclei = nuclei or {}
    n = len(ph)
    out: list[list] = []  # [onset, vowel, coda]

    def is_vowel(j: int) -> bool:
        return 0 <= j < n and ph[j] in _VOWELS

    def prevocalic(j: int) -> bool:
        """The consonant at j opens the next syllable (vowel, or glide + vowel, next)."""
        return is_vowel(j + 1) or (j + 2 < n and ph[j + 1] in _GLIDES and is_vowel(j + 2))

    def add_vowel(onset: str, j: int, glide: str | None = None) -> None:
        jamo = list(_VOWELS[ph[j]])
        if j in nuclei:
            jamo[0] = nuclei[j]
        if glide == "Y":
            jamo[0] = _Y[jamo[0]]
        elif glide == "W":
            jamo[0] = _W[jamo[0]]
        if onset in ("ㅈ", "ㅊ"):
            jamo[0] = _PLAIN.get(jamo[0], jamo[0])  # 쟈 → 자, 쵸 → 초
        if ph[j] == "AW" and is_vowel(j + 1) and ph[j + 1] in ("ER", "AH"):
            jamo = jamo[:1]  # the [u] of [au] becomes the glide of the next vowel
        out.append([onset, jamo[0], None])
        for extra in jamo[1:]:
            out.append(["ㅇ", extra, None])
        if (ph[j] in ("IH", "IY") and phones[j].endswith("1") and j + 1 < n and ph[j + 1] == "R"
                and not (j + 2 < n and ph[j + 2] == "IY")):
            out.append(["ㅇ", "ㅓ", None])  # [ɪər]: engineering 엔지니어링, career 커리어 (not series 시리즈)

    def add_onset(p: str, i: int, j: int, glide: str | None = None) -> None:
        """Consonant ``p`` (at i) opens the syllable of the vowel at j."""
        if p == "L" and i > 0 and out and out[-1][2] is None:
            out[-1][2] = "ㄹ"  # medial [l] before a vowel: ㄹㄹ (slide 슬라이드)
        if p == "NG":
            if out and out[-1][2] is None:
                out[-1][2] = "ㅇ"
            add_vowel("ㅇ", j, glide)
            return
        if p == "SH":
            glide = "Y" if glide != "W" else glide  # 샤 섀 셔 셰 쇼 슈 시
        add_vowel(_ONSET[p], j, glide)

    i = 0
    while i < n:
        p = ph[i]
        nxt = ph[i + 1] if i + 1 < n else None
        if p in _VOWELS:
            if i > 0 and ph[i - 1] == "AW" and p in ("ER", "AH"):
                add_vowel("ㅇ", i, "W")  # [au] + [ə]: 파워, 타워 (not 파우어)
            else:
                add_vowel("ㄹ" if i > 0 and ph[i - 1] == "ER" else "ㅇ", i)
            i += 1
            continue
        if p in _GLIDES:
            if is_vowel(i + 1):
                glide = None if (p == "Y" and nxt in ("IY", "IH")) else p
                add_vowel("ㄹ" if i > 0 and ph[i - 1] == "ER" else "ㅇ", i + 1, glide)
                i += 2
            else:
                out.append(["ㅇ", "ㅣ" if p == "Y" else "ㅜ", None])
                i += 1
            continue
        if is_vowel(i + 1):
            add_onset(p, i, i + 1)
            i += 2
            continue
        if nxt in _GLIDES and is_vowel(i + 2):
            v2 = ph[i + 2]
            if nxt == "Y":
                if p in ("L", "N") and v2 in ("AH", "ER"):
                    # [lj]/[nj] before a schwa: 리어/니어 (million 밀리언, union 유니언)
                    if p == "L" and i > 0 and out and out[-1][2] is None:
                        out[-1][2] = "ㄹ"
                    out.append([_ONSET[p], "ㅣ", None])
                    add_vowel("ㅇ", i + 2)
                else:
                    add_onset(p, i, i + 2, None if v2 in ("IY", "IH") else "Y")
                i += 3
                continue
            if p in ("K", "G", "HH"):
                add_onset(p, i, i + 2, "W")  # quarter 쿼터, Gwen 궨
                i += 3
                continue
        # p does not open a syllable: a final consonant, or a syllable with 으/이
        if p == "T" and nxt == "S" and not prevocalic(i + 1):
            out.append(["ㅊ", "ㅡ", None])  # [ts] 츠
            i += 2
            continue
        if p == "D" and nxt == "Z" and not prevocalic(i + 1):
            out.append(["ㅈ", "ㅡ", None])  # [dz] 즈
            i += 2
            continue
        open_short = i > 0 and ph[i - 1] in _SHORT and bool(out) and out[-1][2] is None
        if p == "K" and i > 0 and ph[i - 1] == "NG" and nxt == "SH":
            i += 1  # [ŋkʃ]: function 펑션, not 펑크션
            continue
        if p in ("P", "T", "K"):
            if open_short and (nxt is None or nxt not in _LIQUID_NASAL | set(_GLIDES)):
                out[-1][2] = _CODA[p]
            else:
                out.append([_ONSET[p], "ㅡ", None])
        elif p in ("M", "N", "NG"):
            if out and out[-1][2] is None:
                out[-1][2] = _CODA[p]
            else:
                out.append(["ㅇ", "ㅡ", _CODA[p]])
        elif p == "L":
            if out and out[-1][2] is None:
                out[-1][2] = "ㄹ"
            else:
                out.append(["ㅇ", "ㅡ", "ㄹ"])
            if nxt in ("M", "N") and not prevocalic(i + 1):
                out.append(["ㄹ", "ㅡ", None])  # film 필름
        elif p == "R":
            pass  # post-vocalic [r] is not written (part 파트)
        elif p == "SH":
            out.append(["ㅅ", "ㅣ" if nxt is None else "ㅠ", None])  # flash 플래시, shrub 슈러브
        elif p in ("CH", "JH", "ZH"):
            out.append([_ONSET[p], "ㅣ", None])  # switch 스위치, bridge 브리지
        else:
            out.append([_ONSET[p], "ㅡ", None])
        i += 1
    return "".join(_compose(o, v, c) for o, v, c in out)


# ---------------------------------------------------------------------------
# Pronunciations with a morphological fallback

# Pronunciations of suffixes and combining forms (facts about English; used only
# for words the dictionary lacks). Longest first.
_SUFFIX_PRON: tuple[tuple[str, str], ...] = (
    ("ologies", "AA1 L AH0 JH IY0 Z"), ("ology", "AA1 L AH0 JH IY0"), ("ological", "AH0 L AA1 JH IH0 K AH0 L"),
    ("graphy", "G R AH0 F IY0"), ("metry", "M AH0 T R IY0"), ("scopy", "S K AH0 P IY0"),
    ("omics", "OW1 M IH0 K S"), ("omic", "OW1 M IH0 K"), ("ations", "EY1 SH AH0 N Z"), ("ation", "EY1 SH AH0 N"),
    ("ysis", "AH0 S IH0 S"), ("osis", "OW1 S IH0 S"), ("itis", "AY1 T IH0 S"), ("ities", "IH0 T IY0 Z"),
    ("ity", "IH0 T IY0"), ("ical", "IH0 K AH0 L"), ("ics", "IH0 K S"), ("ic", "IH0 K"), ("ive", "IH0 V"),
    ("ism", "IH2 Z AH0 M"), ("ist", "IH0 S T"), ("ists", "IH0 S T S"), ("al", "AH0 L"), ("ary", "EH2 R IY0"),
    ("ery", "ER0 IY0"), ("ing", "IH0 NG"), ("ed", "D"), ("er", "ER0"), ("ers", "ER0 Z"), ("y", "IY0"),
)
_PREFIX_PRON: tuple[tuple[str, str], ...] = (
    ("pharmaco", "F AA1 R M AH0 K OW0"), ("electro", "IH0 L EH1 K T R OW0"), ("immuno", "IH1 M Y AH0 N OW0"),
    ("entero", "EH1 N T ER0 OW0"), ("gastro", "G AE1 S T R OW0"), ("cardio", "K AA1 R D IY0 OW0"),
    ("proteo", "P R OW1 T IY0 OW0"), ("nephro", "N EH1 F R OW0"), ("hepato", "HH EH1 P AH0 T OW0"),
    ("psycho", "S AY1 K OW0"), ("thermo", "TH ER1 M OW0"), ("neuro", "N UH1 R OW0"), ("photo", "F OW1 T OW0"),
    ("hydro", "HH AY1 D R OW0"), ("astro", "AE1 S T R OW0"), ("micro", "M AY1 K R OW0"), ("macro", "M AE1 K R OW0"),
    ("socio", "S OW1 S IY0 OW0"), ("radio", "R EY1 D IY0 OW0"), ("cyber", "S AY1 B ER0"), ("nano", "N AE1 N OW0"),
    ("opto", "AA1 P T OW0"), ("onco", "AA1 NG K OW0"), ("chemo", "K IY1 M OW0"), ("endo", "EH1 N D OW0"),
    ("poly", "P AA1 L IY0"), ("multi", "M AH1 L T IY0"), ("inter", "IH1 N T ER0"), ("bio", "B AY1 OW0"),
    ("geo", "JH IY1 OW0"), ("eco", "IY1 K OW0"),
)
_VOICELESS = frozenset({"P", "T", "K", "F", "TH"})
_SIBILANT = frozenset({"S", "Z", "SH", "ZH", "CH", "JH"})


class Pronouncer:
    """Pronunciations of English words: a dictionary plus a morphological fallback.

    Args:
        entries: word (lower case) → list of pronunciations, each a list of
            ARPAbet phonemes; e.g. parsed from CMUdict.
        max_prons: how many dictionary pronunciations of a word to use.

    >>> Pronouncer({"photon": [["F", "OW1", "T", "AA0", "N"]]})("photonics")
    [['F', 'OW1', 'T', 'AA0', 'N', 'IH0', 'K', 'S']]
    """

    def __init__(self, entries: Mapping[str, Sequence[Sequence[str]]], max_prons: int = 2):
        self._entries = entries
        self._max = max_prons
        self._cache: dict[str, list[list[str]]] = {}
        self._hangul: dict[str, tuple[str, ...]] = {}  # word -> transcriptions (transliterate_word)

    @classmethod
    def from_cmudict_lines(cls, lines: Iterable[str], max_prons: int = 2) -> "Pronouncer":
        """Parse CMUdict lines (``word PH ON ES``, ``word(2) ...``, ``#`` comments)."""
        entries: dict[str, list[list[str]]] = {}
        for line in lines:
            parts = line.split("#", 1)[0].split()
            if len(parts) < 2:
                continue
            word = re.sub(r"\(\d+\)$", "", parts[0]).lower()
            entries.setdefault(word, []).append(parts[1:])
        return cls(entries, max_prons)

    def __contains__(self, word: str) -> bool:
        return word.lower() in self._entries

    def __call__(self, word: str) -> list[list[str]]:
        """Pronunciations of ``word`` (up to ``max_prons``); empty when unknown."""
        word = word.lower()
        if word not in self._cache:
            self._cache[word] = self._pronounce(word, depth=0)
        return self._cache[word]

    def _lookup(self, word: str) -> list[list[str]]:
        return [list(p) for p in self._entries.get(word, ())[: self._max]]

    def _pronounce(self, word: str, depth: int) -> list[list[str]]:
        found = self._lookup(word)
        if found or depth > 2 or len(word) < 3:
            return found
        # plural / third person of a known word
        if word.endswith("s") and not word.endswith("ss"):
            for stem in (word[:-1], word[:-2] if word.endswith("es") else None,
                         word[:-3] + "y" if word.endswith("ies") else None):
                if stem and len(stem) >= 3:
                    prons = self._pronounce(stem, depth + 1)
                    if prons:
                        return [p + _plural(p) for p in prons]
        for suffix, pron in _SUFFIX_PRON:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                stem = word[: -len(suffix)]
                for cand in (stem, stem + "e", stem[:-1] + "y" if stem.endswith("i") else None,
                             stem + "y", stem + "o", stem + "a"):
                    if cand:
                        prons = self._lookup(cand)
                        if prons:
                            return [_join_suffix(p, pron.split()) for p in prons]
        for prefix, pron in _PREFIX_PRON:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                rest = self._pronounce(word[len(prefix):], depth + 1)
                if rest:
                    return [pron.split() + p for p in rest]
        for cut in range(len(word) - 3, 2, -1):  # two dictionary words, longest head first
            head, tail = self._lookup(word[:cut]), self._lookup(word[cut:])
            if head and tail:
                return [head[0] + tail[0]]
        return []


def _plural(pron: Sequence[str]) -> list[str]:
    last = _base(pron[-1])
    if last in _SIBILANT:
        return ["IH0", "Z"]
    return ["S"] if last in _VOICELESS else ["Z"]


def _join_suffix(stem: list[str], suffix: list[str]) -> list[str]:
    # A stem's final unstressed vowel gives way to a vowel-initial suffix (biology → biolog + ical).
    if stem and _base(stem[-1]) in _VOWELS and _base(suffix[0]) in _VOWELS and stem[-1][-1:] == "0":
        stem = stem[:-1]
    return stem + suffix


# ---------------------------------------------------------------------------
# Spelling-guided vowels

_VOWEL_LETTERS = "aeiouy"
_SPELLED = {"a": "ㅏ", "e": "ㅔ", "i": "ㅣ", "y": "ㅣ", "o": "ㅗ", "u": "ㅓ"}
_FRONT = frozenset("aeiy")


def _vowel_groups(word: str) -> list[str]:
    groups, cur = [], ""
    for k, ch in enumerate(word):
        vowel = ch in _VOWEL_LETTERS and not (ch == "y" and (k == 0 or (k + 1 < len(word) and word[k + 1] in "aeiou")))
        if vowel:
            cur += ch
        elif cur:
            groups.append(cur)
            cur = ""
    if cur:
        groups.append(cur)
    return groups


def _align(groups: list[str], vowels: list[tuple[int, str]], skip: bool) -> list[tuple[int, str]] | None:
    """Pair vowel phonemes ``(index, phoneme)`` with spelling vowel-letter groups.

    Each group gives one vowel, or several for a split group (the 'ie' of
    society, the 'ioe' of bioelectronics);
    with ``skip``, a schwa with no letter of its own (the [ə] of -ism) pairs
    with ``""`` (only the word's last vowel: the [ə] of -ism, -ble). None when
    the counts cannot be reconciled.
    """
    g, v = len(groups), len(vowels)
    # best[(i, j)]: an alignment of the first i groups with the first j vowels
    best: dict[tuple[int, int], list[tuple[int, str]]] = {(0, 0): []}
    for i in range(g + 1):
        for j in range(v + 1):
            cur = best.get((i, j))
            if cur is None:
                continue
            if skip and j == v - 1 and vowels[j][1] == "AH0" and (i, j + 1) not in best:
                best[(i, j + 1)] = cur + [(vowels[j][0], "")]
            if i == g:
                continue
            grp = groups[i]
            for m in range(1, min(len(grp), v - j) + 1):  # a group gives m vowels: letters split off in order
                if (i + 1, j + m) not in best:
                    pieces = list(grp[: m - 1]) + [grp[m - 1:]]
                    best[(i + 1, j + m)] = cur + [(vowels[j + q][0], pieces[q]) for q in range(m)]
    return best.get((g, v))


def _spelling_nuclei(word: str, phones: Sequence[str], front_only: bool) -> dict[int, str]:
    """Vowel overrides that follow the spelling for reduced vowels (AH0/IH0) and
    for [ɑ] written o (robotics 로보틱스)."""
    vowels = [(k, _base(p) + p[-1:] if p[-1:].isdigit() else _base(p)) for k, p in enumerate(phones)
              if _base(p) in _VOWELS]
    groups = _vowel_groups(word.lower())
    pairs = None
    for skip in (False, True):
        pairs = _align(groups, vowels, skip)
        if pairs is None and groups and groups[-1] == "e" and word.lower().endswith("e"):
            pairs = _align(groups[:-1], vowels, skip)  # silent final e
        if pairs is not None:
            break
    if pairs is None:
        return {}
    nuclei = {}
    for k, letters in pairs:
        base, stress = _base(phones[k]), phones[k][-1:]
        if letters == "":
            if base == "AH" and not front_only:
                nuclei[k] = "ㅡ"  # -ism 이즘, not 이점
            continue
        if len(letters) != 1 or (front_only and letters not in _FRONT):
            continue
        if base in ("AH", "IH") and stress == "0":
            after_glide = k > 0 and _base(phones[k - 1]) == "Y"
            if letters == "u" and after_glide:
                nuclei[k] = "ㅜ"  # molecular 몰레큘러
            elif letters == "e" and k == len(phones) - 2 and _base(phones[-1]) == "Z":
                nuclei[k] = "ㅣ"  # the -es plural: sources 소시즈, advances 어드밴시즈
            else:
                nuclei[k] = _SPELLED[letters]
        elif base == "AA" and letters == "o" and not front_only:
            nuclei[k] = "ㅗ"
    return nuclei


def transliterate_word(word: str, pronouncer: Pronouncer) -> list[str]:
    """Hangul spellings of one English word: the orthography's own, then the
    spelling-guided variants the press also uses; empty when no pronunciation
    is known.

    >>> pr = Pronouncer({"chemical": [["K", "EH1", "M", "IH0", "K", "AH0", "L"]]})
    >>> transliterate_word("Chemical", pr)
    ['케미컬', '케미칼']
    """
    cached = pronouncer._hangul.get(word)
    if cached is not None:
        return list(cached)
    out: list[str] = []
    for phones in pronouncer(word):
        for nuclei in ({}, _spelling_nuclei(word, phones, True), _spelling_nuclei(word, phones, False)):
            form = arpabet_to_hangul(phones, nuclei)
            if form and form not in out:
                out.append(form)
    pronouncer._hangul[word] = tuple(out)
    return out


#: Function words as the press writes them inside a transcribed title.
FUNCTION_WORDS: dict[str, tuple[str, ...]] = {
    "of": ("오브",), "the": ("더",), "and": ("앤드", "앤"), "&": ("앤드", "앤"), "for": ("포",), "on": ("온",),
    "in": ("인",), "a": ("어",), "an": ("언",), "at": ("앳",), "to": ("투",),
}
_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*|\d+[A-Za-z]*|&")


def title_words(title: str) -> list[str]:
    """The words of a title for transcription: parentheticals, punctuation and
    hyphens removed (``"Bio-Medical Materials (Oxford)"`` → Bio, Medical, Materials)."""
    title = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", title)
    return _TOKEN.findall(title)


def _keep_latin(token: str) -> bool:
    return (token.isupper() and token.isalpha()) or any(c.isdigit() for c in token)


def transliterate_title(title: str, pronouncer: Pronouncer, max_forms: int = 8) -> list[str]:
    """Hangul forms of an English title, words separated by spaces.

    All-capital tokens and tokens with digits stay in Latin letters, as the
    press leaves them (``IEEE``, ``B`` in Physical Review B, ``3D``); function
    words use :data:`FUNCTION_WORDS`. Returns ``[]`` when a word has no known
    pronunciation. At most ``max_forms`` combinations of the per-word variants
    are returned, the orthography's own spelling first.

    >>> pr = Pronouncer({"physical": [["F", "IH1", "Z", "IH0", "K", "AH0", "L"]],
    ...                  "review": [["R", "IY2", "V", "Y", "UW1"]]})
    >>> transliterate_title("Physical Review E", pr)
    ['피지컬 리뷰 E', '피지칼 리뷰 E']
    """
    words = title_words(title)
    if not words:
        return []
    options: list[list[str]] = []
    for w in words:
        low = w.lower()
        if _keep_latin(w):
            options.append([w])
        elif low in FUNCTION_WORDS:
            options.append(list(FUNCTION_WORDS[low]))
        else:
            forms = transliterate_word(w, pronouncer)
            if not forms:
                return []
            options.append(forms)
    # Breadth-limited product: vary one word at a time from the first choice, so
    # the orthography's spelling comes first and every word's variants appear.
    first = [opts[0] for opts in options]
    out = [" ".join(first)]
    for k, opts in enumerate(options):
        for alt in opts[1:]:
            form = " ".join(first[:k] + [alt] + first[k + 1:])
            if form not in out:
                out.append(form)
    spelled = " ".join(opts[-1] for opts in options)
    if spelled not in out:
        out.append(spelled)
    return out[:max_forms]
