"""One article's failure costs that article only, at every stage; long articles are windowed, never cut."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from models.analyse import STAGES, Analyzer, text_windows
from models.schema import RawArticle

T0 = datetime(2024, 3, 1, tzinfo=timezone.utc)
MARK = "☠"

A = "네이버는 ICLR 2024에서 논문 12편을 발표했다."
B = f"카카오는 서울대와 함께 연구센터를 세운다고 밝혔다.{MARK}"
C = "삼성전자는 AI 스타트업에 100억원을 투자했다."


@pytest.fixture(scope="module")
def quarantining():
    """The default pipeline (shipped NER) with the flows' policy."""
    return Analyzer(None, "default", errors="quarantine")


def _raws():
    return [RawArticle("a.txt", A), RawArticle("b.txt", B), RawArticle("c.txt", C)]


class _Failing:
    """Wraps a pipeline component: raises for a doc whose text holds MARK, batch or single."""

    def __init__(self, proc):
        self.proc = proc

    def __call__(self, doc):
        if MARK in doc.text:
            raise RuntimeError("injected")
        return self.proc(doc)

    def pipe(self, docs, batch_size=8):
        docs = list(docs)
        if any(MARK in d.text for d in docs):
            raise RuntimeError("injected")
        return self.proc.pipe(docs, batch_size=batch_size) if hasattr(self.proc, "pipe") else map(self.proc, docs)


def _inject(analyzer, stage, monkeypatch):
    import models.analyse as analyse

    if stage == "clean":
        real = analyse.clean_article
        monkeypatch.setattr(analyse, "clean_article",
                            lambda raw: (_ for _ in ()).throw(RuntimeError("injected")) if MARK in raw.text
                            else real(raw))
    elif stage == "tokenize":
        real_tok = analyzer.nlp.tokenizer

        def tok(text):
            if MARK in text:
                raise RuntimeError("injected")
            return real_tok(text)

        monkeypatch.setattr(analyzer.nlp, "tokenizer", tok)
    elif stage in ("ner", "rules"):
        stages = [(s, n, _Failing(p) if s == stage else p) for s, n, p in analyzer.stages]
        monkeypatch.setattr(analyzer, "stages", stages)
    else:
        real_pc = analyse.extract_paper_counts
        monkeypatch.setattr(analyse, "extract_paper_counts",
                            lambda adoc: (_ for _ in ()).throw(RuntimeError("injected")) if MARK in adoc.text
                            else real_pc(adoc))


@pytest.mark.parametrize("stage", STAGES)
def test_failure_at_each_stage_quarantines_that_article_only(quarantining, monkeypatch, stage):
    clean = quarantining.process(_raws(), "r1", T0)  # no failure injected: the reference rows
    _inject(quarantining, stage, monkeypatch)
    out = quarantining.process(_raws(), "r1", T0)

    assert [a.source for a in out.articles] == ["a.txt", "c.txt"]
    [q] = out.quarantine
    assert (q.source, q.error_type, q.stage) == ("b.txt", "RuntimeError", stage)
    assert q.error == f"[E042] Analysis of b.txt failed at stage {stage}: RuntimeError: injected."
    assert q.run_id == "r1" and q.ingested_at == T0
    # the other articles' rows are exactly those of a run without the failure
    keep = {a.article_id for a in out.articles}
    for table in ("articles", "entities", "paper_counts", "investments"):
        assert getattr(out, table) == [r for r in getattr(clean, table) if r.article_id in keep], table
    assert [p.count for p in out.paper_counts] == [12] and [i.amount_krw_low for i in out.investments] == [10**10]


def test_raise_policy_raises_the_original_error(monkeypatch):
    analyzer = Analyzer(None, "none", errors="raise")
    _inject(analyzer, "rules", monkeypatch)
    with pytest.raises(RuntimeError, match="injected"):
        analyzer.process(_raws(), "r1", T0)


def test_tag_gives_one_error_per_failing_text(rules_analyzer, monkeypatch):
    analyzer = Analyzer(None, "none", errors="raise")
    _inject(analyzer, "rules", monkeypatch)
    ok, bad, ok2 = analyzer.tag([A, B, C])
    assert [e["text"] for e in ok if e["label"] == "ORG"] == ["네이버"]
    assert bad.stage == "rules" and str(bad.error) == "injected"
    assert [e["label"] for e in ok2] == ["ORG", "MONEY"]


@pytest.mark.parametrize("text,size,expected", [
    ("가나다. 라마바. 사아자.", 10, [(0, 10), (10, 14)]),
    ("가나다 라마바 사아자 차카타", 8, [(0, 8), (8, 15)]),
    ("가" * 25, 10, [(0, 10), (10, 20), (20, 25)]),
    ("짧다.", 10, [(0, 3)]),
    ("", 10, [(0, 0)]),
])
def test_text_windows_tile_the_text(text, size, expected):
    windows = text_windows(text, size)
    assert windows == expected
    assert "".join(text[s:e] for s, e in windows) == text
    assert all(e - s <= size for s, e in windows)


def test_long_article_is_analysed_in_windows_with_whole_body_offsets():
    sentence = "네이버는 카카오와 함께 서울대에 100억원을 투자했다. "
    body = (sentence * 40).strip()
    whole = Analyzer(None, "none", errors="raise")
    windowed = Analyzer(None, "none", errors="raise", window_chars=200)
    got = windowed.process([RawArticle("long.txt", body)], "r", T0)
    ref = whole.process([RawArticle("long.txt", body)], "r", T0)
    [art] = got.articles
    assert art.body == body
    assert len(got.entities) == 40 * 4 and got.entities == ref.entities
    assert all(body[e.start:e.end] == e.text for e in got.entities)
    assert len(got.investments) == len(ref.investments)


def test_article_over_the_cap_is_quarantined_with_its_length():
    analyzer = Analyzer(None, "none", errors="quarantine", max_chars=100)
    out = analyzer.process([RawArticle("big.txt", "네이버가 발표했다. " * 20), RawArticle("ok.txt", A)], "r", T0)
    assert [a.source for a in out.articles] == ["ok.txt"]
    [q] = out.quarantine
    assert (q.source, q.error_type, q.stage) == ("big.txt", "TooLongError", "clean")
    assert q.error == ("[E043] Article big.txt is 219 characters long after cleaning, over the cap of 100 "
                       "(--max-article-chars); it was not analysed. Raise the cap to analyse it in windows.")


def test_many_mentions_resolve_to_every_mention():
    """An article of 3,000 organization mentions keeps every one (the cost is benchmarked, not timed here)."""
    analyzer = Analyzer(None, "none", errors="raise")
    body = "네이버와 카카오, 삼성전자가 발표했다. " * 1000
    out = analyzer.process([RawArticle("many.txt", body)], "r", T0)
    assert sum(e.label == "ORG" for e in out.entities) == 3000


def test_overlong_sentences_are_cut_at_a_space():
    from models.nlp import MAX_SENTENCE_CHARS, sentence_spans

    text = "논문 3편 " * 1000 + "발표했다. 끝."
    spans = sentence_spans(text)
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert all(text[s - 1] == " " for s, _ in spans[1:-1])  # cuts fall after a space, never inside a word
    assert text[spans[-1][0]:spans[-1][1]] == "끝."
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))  # in order, never overlapping
    assert all(not text[e1:s2].strip() for (_, e1), (s2, _) in zip(spans, spans[1:]))  # only spaces left out
