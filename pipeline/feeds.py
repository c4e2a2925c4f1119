"""Feeds and article pages over HTTP, politely: robots.txt, a per-host rate limit, timeouts.

:class:`Fetcher` is the one HTTP client of scheduled ingestion. It

* polls RSS 2.0 and Atom feeds with conditional GET: the ``ETag`` and
  ``Last-Modified`` of the last answer go back as ``If-None-Match`` and
  ``If-Modified-Since``, and a ``304 Not Modified`` costs no parsing
  (:meth:`Fetcher.fetch_feed`);
* fetches article pages only where the site's ``robots.txt`` allows our user
  agent (``kornews/<version>``), read once per host and cached; its
  ``Crawl-delay`` is honoured when longer than our own interval;
* spaces requests to one host at least ``min_interval`` seconds apart
  (:class:`HostRateLimiter`, thread-safe), with a timeout on every request and a
  cap on every body;
* turns a page into a :class:`~models.schema.RawArticle` by the very path
  ``kornews run`` takes for ``.html`` files (:mod:`pipeline.ingest`: strict UTF-8
  or CP949 decoding, trafilatura extraction, meta tags), so cleaning downstream
  is the same.

Failures are classified, not retried here: retrying is the caller's business
(in the flows, Prefect task retries with back-off). :class:`~models.errors.FetchError`
means "may pass" (network error, timeout, HTTP 5xx, 408, 429, robots.txt
unreachable); :class:`~models.errors.FetchRefused` means "will not pass" (robots.txt
disallows it, HTTP 4xx); :class:`~models.errors.FeedParseError` is a body that is
not a feed. A page that downloads but holds no article text comes back as a
``QuarantineRecord`` (``EmptyArticle``), like an empty file does.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Callable, Optional, Union
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from models import __version__
from models.errors import Errors, FeedParseError, FetchError, FetchRefused, LinkRefused
from .ingest import decode_bytes, decode_text, parse_published_at, read_html
from models.schema import QuarantineRecord, RawArticle

#: Sent with every request, and the agent robots.txt rules are matched against.
USER_AGENT = f"kornews/{__version__}"

_MB = 1024 * 1024

#: HTTP statuses worth retrying: timeouts, throttling and server errors.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchConfig:
    """How politely and how long to fetch.

    Example:
        >>> FetchConfig(min_interval=0.2).user_agent.startswith("kornews/")
        True
    """

    min_interval: float = 1.0
    """Seconds between the starts of two requests to the same host (default 1 s).
    A longer ``Crawl-delay`` in the host's robots.txt wins."""

    timeout: float = 10.0
    """Seconds for connecting and for each read (default 10 s)."""

    user_agent: str = USER_AGENT
    """``User-Agent`` header, and the agent robots.txt rules are read for."""

    respect_robots: bool = True
    """Check robots.txt before fetching an article page (feeds are polled as
    configured: a feed is published to be polled)."""

    max_bytes: int = 10 * _MB
    """Largest body read (default 10 MB); a larger one is a ``FetchRefused``."""

    max_crawl_delay: float = 60.0
    """Cap on a robots.txt ``Crawl-delay``, so one odd file cannot stall a run."""

    allow_hosts: tuple[str, ...] = ()
    """Hosts a feed's links may point to whatever addresses they resolve to (an
    intranet news site): ``--allow-host``. Names are compared case-insensitively;
    an IP address literal is allowed by itself."""

    allow_private_links: bool = False
    """Fetch a feed's links at any address, loopback and private ones included
    (``--allow-private-links``): only for feeds whose publisher you trust like yourself."""

    max_redirects: int = 5
    """Redirects followed per request; each hop is checked like a link."""

    max_seconds: float = 60.0
    """Longest a whole request may take, headers and body (a server that trickles
    one byte per read timeout is cut off here)."""


@dataclass(frozen=True)
class FeedValidators:
    """The conditional-GET validators of a feed's last ``200`` answer."""

    etag: Optional[str] = None
    last_modified: Optional[str] = None

    def headers(self) -> dict[str, str]:
        """Request headers for a conditional GET.

        Example:
            >>> FeedValidators(etag='"v1"').headers()
            {'If-None-Match': '"v1"'}
        """
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: where its article page is and what the feed says of it."""

    url: str
    feed: str
    title: Optional[str] = None
    published_at: Optional[datetime] = None


@dataclass(frozen=True)
class FeedResult:
    """A feed poll: its items (none when not modified) and the validators to send next."""

    url: str
    not_modified: bool
    items: tuple[FeedItem, ...] = ()
    validators: FeedValidators = field(default_factory=FeedValidators)
    #: entries that could not be used (no link), as quarantine records
    problems: tuple[QuarantineRecord, ...] = ()


# ---------------------------------------------------------------------------
# Rate limit and robots.txt
# ---------------------------------------------------------------------------

class HostRateLimiter:
    """Spaces requests to one host at least ``min_interval`` seconds apart (thread-safe).

    The interval runs from the moment the previous request to the host was let
    go. Each host has its own lock, held while waiting, so requests to one host
    go one after another and threads fetching different hosts never wait for
    each other.

    Args:
        min_interval: Seconds between two request starts on one host.
        clock: Monotonic clock (injectable for tests).
        sleep: Sleep function (injectable for tests).

    Example:
        >>> limiter = HostRateLimiter(0.0)
        >>> limiter.wait("news.example.kr")
        0.0
    """

    def __init__(self, min_interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if min_interval < 0:
            raise ValueError(Errors.E013.format(value=min_interval, option="min_interval",
                                                valid="a number of seconds ≥ 0"))
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, min_interval: Optional[float] = None) -> float:
        """Block until ``host`` may be asked again; return the seconds slept.

        Args:
            host: ``netloc`` of the URL about to be requested.
            min_interval: This host's interval when longer than the default
                (a robots.txt ``Crawl-delay``).
        """
        interval = max(self.min_interval, min_interval or 0.0)
        with self._lock:
            host_lock = self._locks.setdefault(host, threading.Lock())
        with host_lock:
            last = self._last.get(host)
            delay = 0.0 if last is None else max(0.0, last + interval - self._clock())
            if delay > 0:
                self._sleep(delay)
            self._last[host] = self._clock()
        return delay


@dataclass(frozen=True)
class HttpResponse:
    """A response whose body was read within the size cap."""

    status_code: int
    headers: httpx.Headers
    content: bytes


@dataclass
class _Robots:
    parser: Optional[RobotFileParser]  # None: no robots.txt, everything allowed
    allow_all: bool = False
    disallow_all: bool = False


# ---------------------------------------------------------------------------
# Feeds
# ---------------------------------------------------------------------------

def _entry_date(entry) -> Optional[datetime]:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if isinstance(raw, str):
            parsed = parse_published_at(raw)
            if parsed is not None:
                return parsed
    for key in ("published_parsed", "updated_parsed"):
        parsed_struct = entry.get(key)
        if parsed_struct:
            return datetime(*parsed_struct[:6], tzinfo=timezone.utc)  # feedparser gives UTC
    return None


def parse_feed(data: bytes, url: str, content_type: Optional[str] = None) -> tuple[list[FeedItem], list[QuarantineRecord]]:
    """Read the items of an RSS 2.0 or Atom document.

    Dates are read from the entry's own text (RFC 2822 ``pubDate`` or ISO 8601
    ``updated``) so their offset is kept; a date without one is taken as KST.
    Relative links are resolved against ``url``.

    Args:
        data: The feed's bytes, undecoded (the XML declaration names the charset).
        url: Where it was fetched; the base of relative links and the source of
            quarantine records.
        content_type: The response's ``Content-Type``, when known.

    Returns:
        ``(items, problems)``: items in feed order; an entry without a link is a
        ``MissingLink`` quarantine record named ``url#<position>``.

    Raises:
        FeedParseError: ``[E035]`` when the document is not a readable feed.

    Example:
        >>> rss = '''<rss version="2.0"><channel><title>한빛일보</title>
        ... <item><title>네이버, AI 투자</title><link>/news/1</link>
        ... <pubDate>Mon, 15 Jan 2024 09:00:00 +0900</pubDate></item></channel></rss>'''
        >>> items, _ = parse_feed(rss.encode(), "http://news.example.kr/rss")
        >>> items[0].url, items[0].title
        ('http://news.example.kr/news/1', '네이버, AI 투자')
    """
    import feedparser  # imported on first use: feeds are optional

    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        detail = repr(parsed.get("bozo_exception")) if parsed.get("bozo") else "no RSS channel or Atom feed element"
        raise FeedParseError(Errors.E035.format(url=url, detail=detail))
    items: list[FeedItem] = []
    problems: list[QuarantineRecord] = []
    for position, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link") or next(
            (ln.get("href") for ln in entry.get("links", []) if ln.get("href")), None)
        if not link and isinstance(entry.get("id"), str) and entry["id"].startswith(("http://", "https://")):
            link = entry["id"]  # RSS guid isPermaLink, Atom id as URL
        if not link:
            source = f"{url}#{position}"
            problems.append(QuarantineRecord(source, "MissingLink", Errors.E014.format(
                source=source, detail="the feed entry has no link")))
            continue
        title = entry.get("title")
        items.append(FeedItem(url=urljoin(url, link.strip()), feed=url,
                              title=title.strip() or None if isinstance(title, str) else None,
                              published_at=_entry_date(entry)))
    return items, problems


def page_to_article(data: bytes, url: str, item: Optional[FeedItem] = None,
                    content_type: Optional[str] = None) -> Union[RawArticle, QuarantineRecord]:
    """Turn a fetched page into a raw article, as ``kornews run`` reads an ``.html`` file.

    Decoding is strict UTF-8, else CP949 (see :func:`pipeline.ingest.decode_bytes`);
    the body is extracted by trafilatura. ``source`` and ``url`` are the URL
    fetched. The feed's title and date, when given, win over the page's: they
    are clean (no "| 한빛일보" suffix) and dated with the publisher's offset.
    ``text/plain`` pages are read as text.

    Args:
        data: The page's bytes.
        url: The URL fetched.
        item: The feed entry that linked it.
        content_type: The response's ``Content-Type``.

    Returns:
        The article, or a ``DecodeError``/``EmptyArticle``/``ParseError`` record.

    Example:
        >>> html = "<html><body><article><p>네이버가 AI 스타트업에 100억원을 투자했다고 밝혔다. 투자 규모는 업계 최대다.</p></article></body></html>"
        >>> page_to_article(html.encode("cp949"), "http://news.example.kr/1").encoding
        'cp949'
    """
    if content_type and content_type.split(";")[0].strip().lower() == "text/plain":
        try:
            text, encoding, replaced = decode_text(data, url)
        except Exception as exc:  # noqa: BLE001 - DecodeError, reported as a record
            return QuarantineRecord(url, type(exc).__name__, str(exc))
        if not text.strip():
            return QuarantineRecord(url, "EmptyArticle", Errors.E012.format(source=url))
        raw: Union[RawArticle, QuarantineRecord] = RawArticle(source=url, text=text, format="txt", encoding=encoding,
                                                              replaced=replaced)
    else:
        try:
            raw = read_html(data, url)
        except Exception as exc:  # noqa: BLE001 - DecodeError, reported as a record
            return QuarantineRecord(url, type(exc).__name__, str(exc))
    if isinstance(raw, QuarantineRecord):
        return raw
    return replace(
        raw,
        source=url,
        url=url,
        title=(item.title if item and item.title else raw.title),
        published_at=(item.published_at if item and item.published_at else raw.published_at),
    )


# ---------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: NAT64 (RFC 6052): an IPv4 address inside an IPv6 one
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _origin(url: str) -> tuple:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


def _show_origin(origin: tuple) -> str:
    scheme, host, port = origin
    return f"{scheme}://{host}:{port}"


def is_public_address(address: str) -> bool:
    """True for an address on the public internet: not loopback, private, link-local,
    multicast, reserved, unspecified or shared (CGNAT), in IPv4 or IPv6, an IPv4
    address mapped or translated into IPv6 judged as the IPv4 one.

    >>> [is_public_address(a) for a in ("93.184.216.34", "127.0.0.2", "10.1.2.3", "169.254.169.254",
    ...                                  "::1", "::ffff:127.0.0.1", "fe80::1", "2606:4700::1111")]
    [True, False, False, False, False, False, False, True]
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, once (IPv4 and IPv6, in the resolver's order)."""
    if not host:
        raise OSError("no host name")
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def _read_capped_body(response: httpx.Response, url: str, cap: int, deadline: float) -> bytes:
    """The body, decoded (gzip/deflate inflated here, chunk by chunk), never more than ``cap`` bytes."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflater = zlib.decompressobj()
    elif encoding in ("identity", ""):
        inflater = None
    else:
        raise FetchRefused(Errors.E033.format(url=url, status=f"{response.status_code} with Content-Encoding "
                                                             f"{encoding}, which is not read"))
    out = bytearray()

    def add(data: bytes) -> None:
        out.extend(data)
        if len(out) > cap:
            raise FetchRefused(Errors.E033.format(
                url=url, status=f"{response.status_code} with a body over {cap} bytes (decoded)"))

    try:
        for raw in response.iter_raw():
            if time.monotonic() > deadline:
                raise FetchError(Errors.E031.format(url=url, detail="the response took longer than the time allowed"))
            if inflater is None:
                add(raw)
                continue
            data = inflater.decompress(raw, cap + 1 - len(out))
            add(data)
            while inflater.unconsumed_tail:
                add(inflater.decompress(inflater.unconsumed_tail, cap + 1 - len(out)))
        if inflater is not None:
            add(inflater.flush())
    except zlib.error as exc:
        raise FetchRefused(Errors.E033.format(url=url, status=f"{response.status_code} with a damaged "
                                                             f"{encoding} body ({exc})")) from None
    return bytes(out)


class Fetcher:
    """The polite HTTP client of scheduled ingestion (see the module docstring).

    One per flow run; use it as a context manager or call :meth:`close`. Its
    robots.txt cache and rate limiter live as long as it does.

    Args:
        config: Politeness and limits.
        transport: An ``httpx`` transport (tests); default: the network.

    Example:
        >>> with Fetcher(FetchConfig(min_interval=1.0)) as fetcher:  # doctest: +SKIP
        ...     result = fetcher.fetch_feed("https://news.example.kr/rss.xml")
        ...     articles = [fetcher.fetch_article(item) for item in result.items]
    """

    def __init__(self, config: FetchConfig = FetchConfig(), transport: Optional[httpx.BaseTransport] = None) -> None:
        self.config = config
        self.limiter = HostRateLimiter(config.min_interval)
        self._robots: dict[str, _Robots] = {}
        self._robots_lock = threading.Lock()
        self._dns: dict[tuple[str, int], list[str]] = {}
        self._client = httpx.Client(
            headers={"User-Agent": config.user_agent},
            timeout=httpx.Timeout(config.timeout),
            follow_redirects=False,  # followed by hand: every hop is checked
            transport=transport,
        )

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- requests ------------------------------------------------------------------
    def _host_delay(self, host: str) -> Optional[float]:
        robots = self._robots.get(host)
        if robots is None or robots.parser is None:
            return None
        delay = robots.parser.crawl_delay(self.config.user_agent)
        return min(float(delay), self.config.max_crawl_delay) if delay else None

    def get(self, url: str, headers: Optional[dict[str, str]] = None, listed_by: Optional[str] = None) -> "HttpResponse":
        """GET ``url`` within the host's rate limit, following redirects hop by hop.

        Args:
            url: what to fetch.
            headers: extra request headers.
            listed_by: the feed that listed ``url``; None when the user gave it (a
                feed URL: trusted). A link is fetched only where :meth:`_addresses`
                allows, at every redirect hop, and the connection goes to the
                address that was checked (no second DNS lookup can swap in another).

        The body is read within ``max_bytes`` *decoded* bytes (a gzip body is
        inflated chunk by chunk, never past the cap) and within ``max_seconds``.

        Raises:
            FetchError: ``[E031]`` on a network error or timeout.
            FetchRefused: ``[E033]`` for a body over the cap or too many redirects.
            LinkRefused: ``[E081]`` for a link (or hop) the address rules refuse.
        """
        origin = _origin(listed_by or url)
        trusted = listed_by is None
        for _ in range(self.config.max_redirects + 1):
            response = self._get_once(url, headers, origin, trusted)
            location = response.headers.get("location")
            if response.status_code not in _REDIRECTS or not location:
                return response
            url, trusted = urljoin(url, location.strip()), False  # every hop after the first is a link
        raise FetchRefused(Errors.E033.format(url=url, status=f"more than {self.config.max_redirects} redirects"))

    def _addresses(self, url: str, origin: tuple, trusted: bool) -> list[str]:
        """The addresses to connect to for ``url``, or a refusal naming the rule.

        Allowed: a URL the user gave (``trusted``), one on the feed's own origin
        (scheme, host, port), an allowed host, any host with ``allow_private_links``,
        and otherwise a host *every* address of which is public.
        """
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), (parts.hostname or "")
        if scheme not in ("http", "https"):
            raise LinkRefused(Errors.E081.format(url=url, rule=f"only http and https are fetched, not {scheme or '?'}",
                                                 origin=_show_origin(origin), host=host or "?"))
        try:
            port = parts.port or _DEFAULT_PORTS[scheme]
        except ValueError as exc:
            raise LinkRefused(Errors.E081.format(url=url, rule=f"bad port ({exc})", origin=_show_origin(origin),
                                                 host=host)) from None
        try:
            # resolved once per run and host: the address checked is the address used,
            # for the page, its robots.txt and every later link to the host
            key = (host.lower(), port)
            addresses = self._dns.get(key) or self._dns.setdefault(key, _resolve(host, port))
        except OSError as exc:
            raise FetchError(Errors.E031.format(url=url, detail=f"cannot resolve {host}: {exc}")) from exc
        if trusted or _origin(url) == origin or self.config.allow_private_links or \
                host.lower() in {h.lower() for h in self.config.allow_hosts}:
            return addresses
        private = [a for a in addresses if not is_public_address(a)]
        if private:
            raise LinkRefused(Errors.E081.format(
                url=url, rule=f"{host} resolves to {', '.join(private)}, which is not a public address",
                origin=_show_origin(origin), host=host))
        return addresses

    def _get_once(self, url: str, headers: Optional[dict[str, str]], origin: tuple, trusted: bool) -> "HttpResponse":
        addresses = self._addresses(url, origin, trusted)
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        self.limiter.wait(netloc, self._host_delay(netloc))
        address = addresses[0]
        pinned = parts._replace(netloc=(f"[{address}]" if ":" in address else address)
                                + (f":{parts.port}" if parts.port else "")).geturl()
        request_headers = {"Host": netloc, "Accept-Encoding": "gzip, deflate", **(headers or {})}
        extensions = {"sni_hostname": parts.hostname} if parts.scheme.lower() == "https" else {}
        deadline = time.monotonic() + self.config.max_seconds
        try:
            request = self._client.build_request("GET", pinned, headers=request_headers, extensions=extensions)
            response = self._client.send(request, stream=True)
            try:
                body = _read_capped_body(response, url, self.config.max_bytes, deadline)
            finally:
                response.close()
            return HttpResponse(response.status_code, response.headers, body)
        except httpx.HTTPError as exc:
            raise FetchError(Errors.E031.format(url=url, detail=f"{type(exc).__name__}: {exc}")) from exc

    @staticmethod
    def _check_status(response: "HttpResponse", url: str) -> None:
        status = response.status_code
        if status in TRANSIENT_STATUSES or status >= 500:
            raise FetchError(Errors.E031.format(url=url, detail=f"HTTP {status}"))
        if status >= 400:
            raise FetchRefused(Errors.E033.format(url=url, status=status))

    # -- robots.txt ------------------------------------------------------------------
    def _load_robots(self, scheme: str, host: str, listed_by: Optional[str] = None) -> _Robots:
        robots_url = f"{scheme}://{host}/robots.txt"
        response = self.get(robots_url, listed_by=listed_by)
        status = response.status_code
        if status in (401, 403):
            return _Robots(None, disallow_all=True)  # the usual reading: access to the site is restricted
        if status >= 500 or status in TRANSIENT_STATUSES:
            # Unknown rules: do not crawl now; the page fetch is retried later.
            raise FetchError(Errors.E031.format(url=robots_url, detail=f"HTTP {status} for robots.txt"))
        if status >= 400:
            return _Robots(None, allow_all=True)  # no robots.txt: no restrictions
        parser = RobotFileParser(robots_url)
        try:
            text, _ = decode_bytes(response.content, robots_url)
        except Exception:  # noqa: BLE001 - an undecodable robots.txt restricts nothing we can read
            return _Robots(None, allow_all=True)
        parser.parse(text.splitlines())
        return _Robots(parser)

    def allowed(self, url: str, listed_by: Optional[str] = None) -> bool:
        """Whether robots.txt of ``url``'s host lets our user agent fetch it (cached per host).

        Args:
            listed_by: the feed that listed ``url`` (robots.txt is then fetched under
                the same address rules as the link).

        Raises:
            FetchError: robots.txt could not be read for a reason that may pass.
            LinkRefused: the host is one a feed's link may not reach.
        """
        if not self.config.respect_robots:
            return True
        parts = urlsplit(url)
        host = parts.netloc
        with self._robots_lock:
            robots = self._robots.get(host)
        if robots is None:
            robots = self._load_robots(parts.scheme, host, listed_by)
            with self._robots_lock:
                self._robots.setdefault(host, robots)
        if robots.disallow_all:
            return False
        if robots.allow_all or robots.parser is None:
            return True
        return robots.parser.can_fetch(self.config.user_agent, url)

    # -- feeds and pages ------------------------------------------------------------------
    def fetch_feed(self, url: str, validators: Optional[FeedValidators] = None) -> FeedResult:
        """Poll a feed with a conditional GET.

        Args:
            url: The RSS or Atom URL.
            validators: What the last ``200`` answer said (``ETag``, ``Last-Modified``).

        Returns:
            ``not_modified=True`` and no items on ``304``; else the items and the
            new validators (the old ones are kept when the server sends none).

        Raises:
            FetchError: network error, timeout, 5xx, 408, 429.
            FetchRefused: other 4xx.
            FeedParseError: the body is not a feed.
        """
        validators = validators or FeedValidators()
        response = self.get(url, headers=validators.headers())
        if response.status_code == 304:
            return FeedResult(url, not_modified=True, validators=validators)
        self._check_status(response, url)
        items, problems = parse_feed(response.content, url, response.headers.get("content-type"))
        fresh = FeedValidators(response.headers.get("etag") or None, response.headers.get("last-modified") or None)
        return FeedResult(url, not_modified=False, items=tuple(items), validators=fresh, problems=tuple(problems))

    def fetch_article(self, item: Union[FeedItem, str]) -> Union[RawArticle, QuarantineRecord]:
        """Fetch a feed item's page and read it as an article.

        Args:
            item: The feed entry, or a bare URL.

        Returns:
            The article; or a record when the page has no article text or cannot
            be decoded (see :func:`page_to_article`).

        Raises:
            FetchRefused: ``[E032]`` robots.txt disallows it; ``[E033]`` HTTP 4xx.
            LinkRefused: ``[E081]`` a link (or a redirect hop) to where feeds may not send us.
            FetchError: ``[E031]`` network error, timeout, 5xx, 408, 429.
        """
        if isinstance(item, str):
            item = FeedItem(url=item, feed="")
        url, listed_by = item.url, item.feed or None  # a bare URL is the caller's own choice
        self._addresses(url, _origin(listed_by or url), listed_by is None)  # refused before robots.txt is asked
        if not self.allowed(url, listed_by):
            raise FetchRefused(Errors.E032.format(host=urlsplit(url).netloc, url=url, agent=self.config.user_agent))
        response = self.get(url, listed_by=listed_by)
        self._check_status(response, url)
        return page_to_article(response.content, url, item, response.headers.get("content-type"))
