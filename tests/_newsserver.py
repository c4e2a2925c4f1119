"""A real HTTP news site on 127.0.0.1 for the feed and serve tests.

``NewsServer`` serves an RSS feed, an Atom feed, article pages (one in CP949),
a robots.txt that disallows ``/private/``, a page that answers 500, and records
every request (path, arrival time, headers). Feeds answer conditional GETs with
``304`` when ``If-None-Match`` or ``If-Modified-Since`` matches.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_1 = ("한빛로보틱스, 시리즈B 투자 유치",
             "한빛로보틱스는 물류 로봇 개발을 위해 시리즈B 투자를 유치했다고 16일 밝혔다. "
             "이번 투자에는 누리벤처스가 참여했으며 투자 규모는 200억원이다. "
             "한빛로보틱스는 확보한 자금으로 연구 인력을 두 배로 늘릴 계획이다.")
ARTICLE_2 = ("가람대 연구팀, 학회서 논문 발표",
             "가람대학교 인공지능연구소는 올해 열린 국제 학회에서 논문 5편이 채택됐다고 밝혔다. "
             "연구소는 언어 모델의 효율을 높이는 방법을 중점적으로 연구해 왔다. "
             "연구팀은 내년에도 공동 연구를 이어갈 예정이다.")
ARTICLE_3 = ("바다소프트, 신규 서비스 출시",
             "바다소프트는 중소기업을 위한 문서 요약 서비스를 새로 내놓는다고 20일 밝혔다. "
             "회사 측은 서비스 이용 기업이 연말까지 300곳을 넘을 것으로 내다봤다.")
SECRET = ("비공개 기사", "이 기사는 로봇 배제 표준에 따라 수집되면 안 되는 비공개 기사 본문이다. 내용은 중요하지 않다.")

ETAG = '"feed-v1"'
LAST_MODIFIED = "Tue, 16 Jan 2024 09:00:00 GMT"


def page(title: str, body: str, charset: str = "utf-8") -> bytes:
    sentences = [s.strip().rstrip(".") for s in body.split(". ") if s.strip()]
    paragraphs = "".join(f"<p>{s}.</p>" for s in sentences)
    html = (f'<html><head><meta charset="{charset}"><title>{title} | 가상일보</title>'
            f'<meta property="og:site_name" content="가상일보"></head>'
            f"<body><nav>홈 | 정치 | 경제</nav><article><h1>{title}</h1>{paragraphs}</article>"
            f"<footer>ⓒ 가상일보. 무단 전재 및 재배포 금지</footer></body></html>")
    return html.encode("cp949" if charset.lower() in ("euc-kr", "cp949") else "utf-8")


def rss(base: str) -> bytes:
    items = [
        ("/news/1", ARTICLE_1[0], "Tue, 16 Jan 2024 09:00:00 +0900"),
        ("/news/2", ARTICLE_2[0], "Wed, 17 Jan 2024 10:30:00 +0900"),
        ("/private/3", SECRET[0], "Wed, 17 Jan 2024 11:00:00 +0900"),
        ("/news/broken", "서버 오류 기사", "Wed, 17 Jan 2024 12:00:00 +0900"),
    ]
    body = "".join(f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{d}</pubDate></item>"
                   for p, t, d in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>가상일보 전체기사</title>'
            f"<link>{base}/</link><description>가상일보</description>{body}</channel></rss>").encode("utf-8")


def atom(base: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>가상일보 IT</title><id>{base}/atom.xml</id><updated>2024-01-20T08:00:00+09:00</updated>"
            f'<entry><title>{ARTICLE_3[0]}</title><link rel="alternate" href="{base}/news/3"/>'
            f"<id>urn:gasang:3</id><updated>2024-01-20T08:00:00+09:00</updated></entry>"
            f'<entry><title>{ARTICLE_1[0]}</title><link rel="alternate" href="{base}/news/1"/>'
            f"<id>urn:gasang:1</id><updated>2024-01-16T09:00:00+09:00</updated></entry>"
            f"</feed>").encode("utf-8")


@dataclass
class Hit:
    path: str
    at: float
    headers: dict


@dataclass
class NewsServer:
    """Routes are ``path -> (status, content type, body)``; feeds get ETag/Last-Modified."""

    routes: dict = field(default_factory=dict)
    hits: list = field(default_factory=list)
    base: str = ""

    def __post_init__(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                outer.hits.append(Hit(self.path, time.monotonic(), dict(self.headers)))
                route = outer.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                status, ctype, body = route
                is_feed = self.path.endswith(".xml")
                if is_feed and (self.headers.get("If-None-Match") == ETAG
                                or self.headers.get("If-Modified-Since") == LAST_MODIFIED):
                    self.send_response(304)
                    self.send_header("ETag", ETAG)
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if is_feed:
                    self.send_header("ETag", ETAG)
                    self.send_header("Last-Modified", LAST_MODIFIED)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        b = self.base
        self.routes.update({
            "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
            "/rss.xml": (200, "application/rss+xml", rss(b)),
            "/atom.xml": (200, "application/atom+xml", atom(b)),
            "/news/1": (200, "text/html; charset=utf-8", page(*ARTICLE_1)),
            "/news/2": (200, "text/html; charset=euc-kr", page(*ARTICLE_2, charset="euc-kr")),
            "/news/3": (200, "text/html; charset=utf-8", page(*ARTICLE_3)),
            "/private/3": (200, "text/html; charset=utf-8", page(*SECRET)),
            "/news/broken": (500, "text/plain", b"internal error"),
        })
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def hits_of(self, path: str) -> list:
        return [h for h in self.hits if h.path == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
