"""Feeds, pages, robots.txt, rate limit and ingest state, against a real HTTP server on 127.0.0.1."""
from __future__ import annotations

import os
import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from _newsserver import ARTICLE_1, ARTICLE_2, ARTICLE_3, ETAG, LAST_MODIFIED, NewsServer
from models.errors import FeedParseError, FetchError, FetchRefused
from pipeline.feeds import USER_AGENT, FeedItem, Fetcher, FetchConfig, HostRateLimiter, parse_feed
from models.schema import RawArticle
from pipeline.state import IngestState

KST = timezone(timedelta(hours=9))


@pytest.fixture
def site():
    server = NewsServer()
    yield server
    server.close()


@pytest.fixture
def fetcher():
    with Fetcher(FetchConfig(min_interval=0.0, timeout=5.0)) as f:
        yield f


# -- parsing ---------------------------------------------------------------------------

def test_parse_rss_items(site):
    items, problems = parse_feed(site.routes["/rss.xml"][2], site.url("/rss.xml"))
    assert problems == []
    assert [(i.url, i.title, i.published_at) for i in items] == [
        (site.url("/news/1"), ARTICLE_1[0], datetime(2024, 1, 16, 9, 0, tzinfo=KST)),
        (site.url("/news/2"), ARTICLE_2[0], datetime(2024, 1, 17, 10, 30, tzinfo=KST)),
        (site.url("/private/3"), "비공개 기사", datetime(2024, 1, 17, 11, 0, tzinfo=KST)),
        (site.url("/news/broken"), "서버 오류 기사", datetime(2024, 1, 17, 12, 0, tzinfo=KST)),
    ]


def test_parse_atom_items(site):
    items, _ = parse_feed(site.routes["/atom.xml"][2], site.url("/atom.xml"))
    assert [(i.url, i.title, i.published_at) for i in items] == [
        (site.url("/news/3"), ARTICLE_3[0], datetime(2024, 1, 20, 8, 0, tzinfo=KST)),
        (site.url("/news/1"), ARTICLE_1[0], datetime(2024, 1, 16, 9, 0, tzinfo=KST)),
    ]


def test_parse_relative_links_and_missing_link():
    rss = ("<rss version='2.0'><channel><title>t</title>"
           "<item><title>상대 경로 기사</title><link>/a/1</link></item>"
           "<item><title>링크 없는 기사</title></item></channel></rss>").encode()
    items, problems = parse_feed(rss, "http://news.example.kr/feed/rss.xml")
    assert [(i.url, i.title, i.published_at) for i in items] == [("http://news.example.kr/a/1", "상대 경로 기사", None)]
    assert [(q.source, q.error_type) for q in problems] == [("http://news.example.kr/feed/rss.xml#2", "MissingLink")]


@pytest.mark.parametrize("body", [b"<html><body>not a feed</body></html>", b"\x00\x01garbage", b""])
def test_parse_rejects_non_feeds(body):
    with pytest.raises(FeedParseError, match=r"\[E035\].*http://x.kr/rss"):
        parse_feed(body, "http://x.kr/rss")


# -- conditional GET ----------------------------------------------------------------------

def test_conditional_get_second_poll_is_304(site, fetcher):
    first = fetcher.fetch_feed(site.url("/rss.xml"))
    assert (first.not_modified, len(first.items)) == (False, 4)
    assert (first.validators.etag, first.validators.last_modified) == (ETAG, LAST_MODIFIED)
    second = fetcher.fetch_feed(site.url("/rss.xml"), first.validators)
    assert (second.not_modified, second.items, second.validators) == (True, (), first.validators)
    polls = site.hits_of("/rss.xml")
    assert [(h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")) for h in polls] == [
        (None, None), (ETAG, LAST_MODIFIED)]


def test_feed_errors_are_classified(site, fetcher):
    site.routes["/down.xml"] = (503, "text/plain", b"busy")
    with pytest.raises(FetchError, match=r"\[E031\].*HTTP 503"):
        fetcher.fetch_feed(site.url("/down.xml"))
    with pytest.raises(FetchRefused, match=r"\[E033\].*HTTP 404"):
        fetcher.fetch_feed(site.url("/missing.xml"))


def test_unreachable_host_is_transient():
    with Fetcher(FetchConfig(min_interval=0.0, timeout=2.0)) as f:
        with pytest.raises(FetchError, match=r"\[E031\]"):
            f.fetch_feed("http://127.0.0.1:9/rss.xml")  # discard port: connection refused


# -- pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path,article,encoding", [
    ("/news/1", ARTICLE_1, "utf-8"),
    ("/news/2", ARTICLE_2, "cp949"),
])
def test_fetch_article_decodes_and_extracts(site, fetcher, path, article, encoding):
    item = FeedItem(url=site.url(path), feed=site.url("/rss.xml"), title=article[0],
                    published_at=datetime(2024, 1, 16, 9, 0, tzinfo=KST))
    raw = fetcher.fetch_article(item)
    assert isinstance(raw, RawArticle)
    assert (raw.source, raw.url, raw.title, raw.published_at, raw.encoding, raw.format, raw.publisher) == (
        site.url(path), site.url(path), article[0], datetime(2024, 1, 16, 9, 0, tzinfo=KST), encoding, "html",
        "가상일보")
    first_sentence = article[1].split(". ")[0] + "."
    assert first_sentence in raw.text
    assert "무단 전재" not in raw.text and "정치 | 경제" not in raw.text


def test_page_title_is_used_without_feed_title(site, fetcher):
    raw = fetcher.fetch_article(site.url("/news/3"))
    assert raw.title.startswith(ARTICLE_3[0])


def test_robots_txt_disallows_and_is_read_once(site, fetcher):
    with pytest.raises(FetchRefused, match=r"\[E032\] Not fetched: robots.txt of 127.0.0.1:\d+ disallows"):
        fetcher.fetch_article(site.url("/private/3"))
    fetcher.fetch_article(site.url("/news/1"))
    assert site.hits_of("/private/3") == []
    assert len(site.hits_of("/robots.txt")) == 1


def test_missing_robots_txt_allows_everything(site, fetcher):
    del site.routes["/robots.txt"]
    assert isinstance(fetcher.fetch_article(site.url("/private/3")), RawArticle)


def test_page_errors_are_classified(site, fetcher):
    with pytest.raises(FetchError, match=r"\[E031\].*HTTP 500"):
        fetcher.fetch_article(site.url("/news/broken"))
    with pytest.raises(FetchRefused, match=r"\[E033\].*HTTP 404"):
        fetcher.fetch_article(site.url("/news/none"))


def test_empty_page_is_a_quarantine_record(site, fetcher):
    site.routes["/news/empty"] = (200, "text/html", b"<html><head><title>t</title></head><body></body></html>")
    record = fetcher.fetch_article(site.url("/news/empty"))
    assert (record.source, record.error_type) == (site.url("/news/empty"), "EmptyArticle")


def test_user_agent_is_sent(site, fetcher):
    fetcher.fetch_article(site.url("/news/1"))
    assert {h.headers.get("User-Agent") for h in site.hits} == {USER_AGENT}
    assert USER_AGENT.startswith("kornews/")


# -- rate limit --------------------------------------------------------------------------------

def test_rate_limiter_spaces_one_host_and_not_others():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = HostRateLimiter(1.0, clock=lambda: now[0], sleep=sleep)
    assert [limiter.wait("a.kr"), limiter.wait("a.kr"), limiter.wait("b.kr"), limiter.wait("a.kr")] == [
        0.0, 1.0, 0.0, 1.0]
    assert limiter.wait("a.kr", min_interval=3.0) == 3.0  # a robots.txt Crawl-delay longer than ours
    now[0] += 0.25  # time spent on the request itself counts
    assert limiter.wait("a.kr") == 0.75
    assert slept == [1.0, 1.0, 3.0, 0.75]


class RecordingTransport(httpx.HTTPTransport):
    """Records when each request leaves the client (after the rate limiter let it go)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, float]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.url.path, time.monotonic()))
        return super().handle_request(request)


def _gaps(sent: list[tuple[str, float]]) -> list[float]:
    return [b[1] - a[1] for a, b in zip(sent, sent[1:])]


def test_requests_to_one_host_are_spaced(site):
    # Send times are taken on the client: server arrival times carry tens of ms of
    # scheduling jitter on a loaded machine. The 5 ms allow for httpx's own work
    # between the limiter letting a request go and the transport seeing it.
    interval = 0.2
    transport = RecordingTransport()
    with Fetcher(FetchConfig(min_interval=interval, timeout=5.0), transport=transport) as f:
        for path in ("/news/1", "/news/2", "/news/3"):
            f.fetch_article(site.url(path))
    assert [path for path, _ in transport.sent] == ["/robots.txt", "/news/1", "/news/2", "/news/3"]
    assert [h.path for h in site.hits] == ["/robots.txt", "/news/1", "/news/2", "/news/3"]
    assert all(gap >= interval - 0.005 for gap in _gaps(transport.sent)), _gaps(transport.sent)


def test_robots_crawl_delay_is_honoured(site):
    # urllib.robotparser reads whole seconds only
    site.routes["/robots.txt"] = (200, "text/plain", b"User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n")
    transport = RecordingTransport()
    with Fetcher(FetchConfig(min_interval=0.0, timeout=5.0), transport=transport) as f:
        f.fetch_article(site.url("/news/1"))
        f.fetch_article(site.url("/news/2"))
    assert [path for path, _ in transport.sent] == ["/robots.txt", "/news/1", "/news/2"]
    assert all(gap >= 1.0 - 0.005 for gap in _gaps(transport.sent)[1:]), _gaps(transport.sent)


# -- inbox state ---------------------------------------------------------------------------------

@pytest.fixture
def inbox(tmp_path) -> Path:
    d = tmp_path / "inbox"
    d.mkdir()
    (d / "a.txt").write_text(f"{ARTICLE_1[0]}\n\n{ARTICLE_1[1]}\n", encoding="utf-8")
    (d / "b.txt").write_text(f"{ARTICLE_2[0]}\n\n{ARTICLE_2[1]}\n", encoding="cp949")
    return d


def _names(files) -> list[str]:
    return [f.path.name for f in files]


def test_inbox_file_is_handled_once(tmp_path, inbox):
    out = tmp_path / "out"
    state = IngestState(out)
    scan = state.scan_inbox([inbox])
    assert (_names(scan.new), scan.duplicates, scan.settling, scan.problems) == (["a.txt", "b.txt"], (), (), ())
    for found in scan.new:
        state.mark_file(found)
    state.save()
    again = IngestState(out).scan_inbox([inbox])
    assert (again.new, again.duplicates) == ((), ())
    assert sorted(p.name for p in (out / "_state").iterdir()) == ["feeds.json", "inbox.json", "urls.json"]


def test_inbox_copy_under_another_name_is_a_duplicate(tmp_path, inbox):
    state = IngestState(tmp_path / "out")
    for found in state.scan_inbox([inbox]).new:
        state.mark_file(found)
    shutil.copy(inbox / "a.txt", inbox / "a-copy.txt")
    scan = state.scan_inbox([inbox])
    assert (_names(scan.new), _names(scan.duplicates)) == ([], ["a-copy.txt"])


def test_inbox_two_new_copies_in_one_scan(tmp_path, inbox):
    shutil.copy(inbox / "a.txt", inbox / "c.txt")
    scan = IngestState(tmp_path / "out").scan_inbox([inbox])
    assert (_names(scan.new), _names(scan.duplicates)) == (["a.txt", "b.txt"], ["c.txt"])


def test_inbox_changed_file_is_new_again(tmp_path, inbox):
    state = IngestState(tmp_path / "out")
    for found in state.scan_inbox([inbox]).new:
        state.mark_file(found)
    (inbox / "a.txt").write_text(f"{ARTICLE_3[0]}\n\n{ARTICLE_3[1]}\n", encoding="utf-8")
    st = (inbox / "a.txt").stat()
    os.utime(inbox / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns - 1_000_000_000))  # as if copied in with its old mtime
    assert _names(state.scan_inbox([inbox]).new) == ["a.txt"]


def test_inbox_files_still_being_written_wait(tmp_path, inbox):
    state = IngestState(tmp_path / "out")
    mtime = (inbox / "a.txt").stat().st_mtime
    scan = state.scan_inbox([inbox], settle_seconds=5.0, now=mtime + 1.0)
    assert (scan.new, sorted(p.name for p in scan.settling)) == ((), ["a.txt", "b.txt"])
    assert _names(state.scan_inbox([inbox], settle_seconds=5.0, now=mtime + 10.0).new) == ["a.txt", "b.txt"]


def test_state_urls_and_validators_persist(tmp_path):
    from pipeline.feeds import FeedValidators

    state = IngestState(tmp_path / "out")
    state.mark_url("http://news.example.kr/1", "done")
    state.mark_url("http://news.example.kr/9", "refused", error="robots")
    assert state.record_failure("http://news.example.kr/5", "HTTP 500") == 1
    state.set_validators("http://news.example.kr/rss", FeedValidators(ETAG, LAST_MODIFIED))
    state.save()
    reloaded = IngestState(tmp_path / "out")
    assert [reloaded.url_done(u) for u in ("http://news.example.kr/1", "http://news.example.kr/9",
                                            "http://news.example.kr/5", "http://news.example.kr/7")] == [
        True, True, False, False]
    assert reloaded.record_failure("http://news.example.kr/5", "HTTP 500") == 2
    assert reloaded.validators("http://news.example.kr/rss") == FeedValidators(ETAG, LAST_MODIFIED)
    assert reloaded.validators("http://news.example.kr/other") == FeedValidators()


def test_corrupt_state_file_is_a_coded_error(tmp_path):
    from models.errors import StateError

    (tmp_path / "out" / "_state").mkdir(parents=True)
    (tmp_path / "out" / "_state" / "urls.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(StateError, match=r"\[E036\] Invalid state file .*urls.json"):
        IngestState(tmp_path / "out")
