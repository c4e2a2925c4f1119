"""A feed's links are a stranger's: no request reaches a private or loopback host but the feed's own origin.

Real servers on two loopback hosts (127.0.0.1 serves the feed, 127.0.0.2 stands
for an internal service) and on IPv6 loopback; each server logs every request,
and the tests assert from those logs which requests were made and which never were.
"""
from __future__ import annotations

import gzip
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import pipeline.feeds as feeds
from models.errors import FetchRefused, LinkRefused
from pipeline.feeds import FeedItem, Fetcher, FetchConfig, is_public_address
from models.schema import RawArticle

ARTICLE = ("<html><body><article><p>한빛전자는 새 반도체 공장을 짓는다고 3일 밝혔다.</p>"
           "<p>회사 관계자는 연구 인력도 늘린다고 말했다.</p></article></body></html>").encode()


class _Server:
    """A logging HTTP server on one address; routes: path → (status, headers, body)."""

    def __init__(self, host: str, family=socket.AF_INET):
        self.log: list[tuple[str, str]] = []  # (path, Host header)
        self.routes: dict = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.log.append((self.path, self.headers.get("Host", "")))
                status, headers, body = outer.routes.get(self.path, (404, {}, b"no"))
                self.send_response(status)
                for k, v in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        class Server(ThreadingHTTPServer):
            address_family = family

        self.httpd = Server((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://{'[' + host + ']' if ':' in host else host}:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def paths(self) -> list[str]:
        return [p for p, _ in self.log]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_site():
    s = _Server("127.0.0.1")
    s.routes["/robots.txt"] = (404, {}, b"")
    s.routes["/news/1"] = (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE)
    yield s
    s.close()


@pytest.fixture
def internal():
    s = _Server("127.0.0.2")
    s.routes["/robots.txt"] = (404, {}, b"")
    s.routes["/secret"] = (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE)
    yield s
    s.close()


@pytest.fixture
def other_port():
    s = _Server("127.0.0.1")
    s.routes["/robots.txt"] = (404, {}, b"")
    s.routes["/admin"] = (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE)
    yield s
    s.close()


def _fetcher(**kw) -> Fetcher:
    return Fetcher(FetchConfig(min_interval=0, timeout=5, **kw))


def _links(feed_site, internal, other_port) -> dict[str, str]:
    feed_site.routes["/go"] = (302, {"Location": f"{internal.base}/secret"}, b"")
    return {"same origin": feed_site.base + "/news/1",
            "other loopback host": internal.base + "/secret",
            "localhost, other port": f"http://localhost:{other_port.port}/admin",
            "same-origin redirect to the other host": feed_site.base + "/go"}


def _fetch_all(fetcher, feed_url: str, links: dict) -> dict[str, object]:
    out = {}
    for name, url in links.items():
        try:
            out[name] = fetcher.fetch_article(FeedItem(url=url, feed=feed_url))
        except FetchRefused as exc:
            out[name] = exc
    return out


def test_links_to_private_hosts_are_refused_and_never_requested(feed_site, internal, other_port):
    feed_url = feed_site.base + "/rss.xml"
    with _fetcher() as fetcher:
        got = _fetch_all(fetcher, feed_url, _links(feed_site, internal, other_port))
    assert isinstance(got["same origin"], RawArticle)
    for name in ("other loopback host", "localhost, other port", "same-origin redirect to the other host"):
        assert isinstance(got[name], LinkRefused), name
    assert str(got["other loopback host"]) == (
        f"[E081] Not fetched: {internal.base}/secret: 127.0.0.2 resolves to 127.0.0.2, which is not a public "
        f"address. A link found in a feed is fetched only from a public address or the feed's own origin "
        f"(http://127.0.0.1:{feed_site.port}); `--allow-host 127.0.0.2` or `--allow-private-links` opens it.")
    assert internal.log == [] and other_port.log == []  # not even robots.txt
    assert feed_site.paths() == ["/robots.txt", "/news/1", "/go"]


def test_allow_host_opens_that_host_only(feed_site, internal, other_port):
    with _fetcher(allow_hosts=("127.0.0.2",)) as fetcher:
        got = _fetch_all(fetcher, feed_site.base + "/rss.xml", _links(feed_site, internal, other_port))
    assert isinstance(got["other loopback host"], RawArticle)
    assert isinstance(got["same-origin redirect to the other host"], RawArticle)
    assert isinstance(got["localhost, other port"], LinkRefused)
    assert internal.paths() == ["/robots.txt", "/secret", "/secret"] and other_port.log == []


def test_allow_private_links_opens_everything(feed_site, internal, other_port):
    with _fetcher(allow_private_links=True) as fetcher:
        got = _fetch_all(fetcher, feed_site.base + "/rss.xml", _links(feed_site, internal, other_port))
    assert all(isinstance(v, RawArticle) for v in got.values()), got
    assert other_port.paths() == ["/robots.txt", "/admin"]


def test_other_schemes_are_refused(feed_site):
    with _fetcher(allow_private_links=True) as fetcher:
        for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/"):
            with pytest.raises(LinkRefused, match=r"only http and https are fetched"):
                fetcher.fetch_article(FeedItem(url=url, feed=feed_site.base + "/rss.xml"))
        feed_site.routes["/to-file"] = (302, {"Location": "file:///etc/passwd"}, b"")
        with pytest.raises(LinkRefused, match=r"file:///etc/passwd: only http and https"):
            fetcher.get(feed_site.base + "/to-file")


def test_ipv6_loopback_is_refused():
    try:
        v6 = _Server("::1", socket.AF_INET6)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    v6.routes["/x"] = (200, {"Content-Type": "text/html"}, ARTICLE)
    feed = _Server("127.0.0.1")
    try:
        with _fetcher() as fetcher:
            with pytest.raises(LinkRefused, match=r"resolves to ::1, which is not a public address"):
                fetcher.fetch_article(FeedItem(url=v6.base + "/x", feed=feed.base + "/rss.xml"))
        assert v6.log == []
        with _fetcher(allow_private_links=True) as fetcher:  # the same link, opened: it is reachable
            assert isinstance(fetcher.fetch_article(FeedItem(url=v6.base + "/x", feed=feed.base + "/rss.xml")),
                              RawArticle)
        assert v6.paths() == ["/robots.txt", "/x"]
    finally:
        v6.close()
        feed.close()


def test_dns_rebinding_cannot_swap_the_address(feed_site, internal, monkeypatch):
    """news.test resolves to a 'public' address once, then to loopback: the connection goes to the checked one."""
    calls = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *a, **k):
        if host == "news.test":
            calls.append(host)
            target = "127.0.0.2" if len(calls) == 1 else "127.0.0.1"
            return real(target, port, *a, **k)
        return real(host, port, *a, **k)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(feeds, "is_public_address", lambda a: a == "127.0.0.2")  # 127.0.0.2 plays the public host
    url = f"http://news.test:{internal.port}/secret"
    with _fetcher(respect_robots=False) as fetcher:
        page = fetcher.fetch_article(FeedItem(url=url, feed=feed_site.base + "/rss.xml"))
    assert isinstance(page, RawArticle)
    assert internal.log == [("/secret", f"news.test:{internal.port}")]  # Host header kept
    assert feed_site.log == []


def test_mixed_public_and_private_answers_are_refused(monkeypatch, feed_site):
    def getaddrinfo(host, port, *a, **k):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ("93.184.216.34", "10.0.0.7")]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with _fetcher() as fetcher:
        with pytest.raises(LinkRefused, match=r"mixed.test resolves to 10.0.0.7, which is not a public address"):
            fetcher.fetch_article(FeedItem(url="http://mixed.test/a", feed=feed_site.base + "/rss.xml"))


@pytest.mark.parametrize("address,public", [
    ("8.8.8.8", True), ("127.0.0.1", False), ("10.0.0.1", False), ("172.16.5.4", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("255.255.255.255", False), ("::1", False), ("::", False), ("fe80::1%lo", False), ("fc00::1", False),
    ("ff02::1", False), ("::ffff:10.0.0.1", False), ("::ffff:8.8.8.8", True), ("64:ff9b::a00:1", False),
    ("2001:4860:4860::8888", True), ("not an ip", False),
])
def test_public_addresses(address, public):
    assert is_public_address(address) is public


def test_caps_count_decoded_bytes(feed_site):
    bomb = gzip.compress(b"\0" * 5_000_000)  # 5 MB inflated from ~5 kB
    feed_site.routes["/bomb"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb)
    feed_site.routes["/small.gz"] = (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"},
                                     gzip.compress(ARTICLE))
    with Fetcher(FetchConfig(min_interval=0, timeout=5, max_bytes=1_000_000)) as fetcher:
        with pytest.raises(FetchRefused, match=r"with a body over 1000000 bytes \(decoded\)"):
            fetcher.get(feed_site.base + "/bomb")
        assert fetcher.get(feed_site.base + "/small.gz").content == ARTICLE
        feed_site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"}, bomb)
        with pytest.raises(FetchRefused, match=r"decoded"):
            fetcher.allowed(feed_site.base + "/news/1")


def test_redirect_loops_stop(feed_site):
    feed_site.routes["/a"] = (302, {"Location": "/b"}, b"")
    feed_site.routes["/b"] = (302, {"Location": "/a"}, b"")
    with _fetcher() as fetcher:
        with pytest.raises(FetchRefused, match=r"more than 5 redirects"):
            fetcher.get(feed_site.base + "/a")
    assert len(feed_site.log) == 6


def test_serve_once_quarantines_refused_links(tmp_path, feed_site, internal, other_port, prefect_harness):
    from pipeline.store import read_table
    from pipeline.config import ServeConfig
    from pipeline.serve_flow import ingest_flow

    links = _links(feed_site, internal, other_port)
    items = "".join(f"<item><title>기사 {i}</title><link>{u}</link></item>" for i, u in enumerate(links.values()))
    feed_site.routes["/rss.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                    f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}'
                                    f"</channel></rss>".encode())
    config = ServeConfig(feeds=[feed_site.base + "/rss.xml"], out=str(tmp_path / "out"), ner="none",
                         min_interval=0, retry_delays=[0.0])
    summary = ingest_flow(config)
    assert summary["articles"] == 1 and summary["quarantined"] == 3
    q = read_table(tmp_path / "out", "quarantine").to_pylist()
    assert sorted((r["source"], r["error_type"]) for r in q) == sorted(
        (u, "LinkRefused") for n, u in links.items() if n != "same origin")
    assert all(r["error"].startswith("[E081] Not fetched: ") for r in q)
    assert internal.log == [] and other_port.log == []
