"""Fetching a URL politely and safely.

Polite: one request per host per interval, robots.txt obeyed, a clear User-Agent. Safe: only
http and https, bounded size, bounded redirects, and no requests into private networks unless the
user allows them. Each hop connects to the very address that was checked, so a name that
resolves differently on a second lookup cannot slip past the check.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.response import BaseHTTPResponse

from parallax.errors import FetchError
from parallax.ingest.base import Source

DEFAULT_USER_AGENT = "Parallax/0.1 (news comparison; +https://example.invalid/parallax)"

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,*/*;q=0.5"
)
_CHUNK = 64 * 1024
# Crawlers commonly read only the first 500 KiB of robots.txt; a bigger one is cut, not refused.
_ROBOTS_LIMIT = 512 * 1024
# A Crawl-delay beyond this would stall a batch for minutes per page; cap it.
_MAX_CRAWL_DELAY = 30.0


def content_type_parts(value: str | None) -> tuple[str | None, str | None]:
    """``("text/html", "utf-8")`` from ``text/html; charset="UTF-8"``; ``None`` for what is absent."""
    if not value:
        return None, None
    main, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return main.strip().lower() or None, charset


@dataclass(frozen=True, slots=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII (IDNA) form
    port: int
    path: str

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


class Fetcher:
    """Fetches pages one at a time; ``fetch`` raises :class:`FetchError` with the reason."""

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 15.0,
        max_bytes: int = 10 * 1024 * 1024,
        max_redirects: int = 5,
        min_interval: float = 1.0,
        allow_private: bool = False,
        respect_robots: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.min_interval = min_interval
        self.allow_private = allow_private
        self.respect_robots = respect_robots
        self._clock = clock
        self._sleep = sleep
        self._pool = urllib3.PoolManager(
            retries=False, timeout=urllib3.Timeout(connect=timeout, read=timeout)
        )
        self._robots: dict[str, RobotFileParser | None] = {}
        self._last_request: dict[str, float] = {}
        self._crawl_delay: dict[str, float] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._pool.clear()

    def fetch(self, url: str) -> Source:
        """The body of ``url`` after redirects; ``Source.url`` is where it ended up."""
        response, final = self._open(url, check_robots=self.respect_robots)
        if not 200 <= response.status < 300:
            response.close()
            reason = f" {response.reason}" if response.reason else ""
            raise FetchError(f"{url} answered HTTP {response.status}{reason}")
        data = self._read_body(response, final, self.max_bytes, cut=False)
        media_type, charset = content_type_parts(response.headers.get("Content-Type"))
        return Source(name=url, data=data, url=final, media_type=media_type, encoding=charset)

    def _open(self, url: str, *, check_robots: bool) -> tuple[BaseHTTPResponse, str]:
        """The first non-redirect response, with the URL it came from; the body is still unread."""
        current = url
        for _ in range(self.max_redirects + 1):
            target = _parse_target(current)
            if check_robots and not self._allowed(target):
                raise FetchError(
                    f"robots.txt of {target.netloc} disallows {current}; the site asks crawlers "
                    "not to fetch it"
                )
            response = self._request(target)
            location = response.headers.get("Location")
            if response.status not in _REDIRECTS or not location:
                return response, current
            response.close()
            current = urljoin(current, location.strip())
        raise FetchError(
            f"{url} redirects more than {self.max_redirects} times; open it in a browser to see "
            "where it goes"
        )

    def _request(self, target: _Target) -> BaseHTTPResponse:
        addresses = self._resolve(target)
        self._wait(target.host)
        headers = {
            "Host": target.netloc,
            "User-Agent": self.user_agent,
            "Accept": _ACCEPT,
            "Accept-Encoding": "gzip, deflate",
        }
        pool_kwargs: dict[str, object] = {}
        if target.scheme == "https":
            # Connecting to the checked IP; TLS must still present and verify the real name.
            pool_kwargs = {"server_hostname": target.host, "assert_hostname": target.host}
        failure: HTTPError | None = None
        for address in addresses:
            pool = self._pool.connection_from_host(
                address, port=target.port, scheme=target.scheme, pool_kwargs=pool_kwargs
            )
            try:
                return pool.urlopen(
                    "GET",
                    target.path,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    assert_same_host=False,
                )
            except (NewConnectionError, ConnectTimeoutError) as exc:
                failure = exc  # try the host's next address
            except HTTPError as exc:
                raise FetchError(f"cannot fetch {target.url}: {_describe(exc, self.timeout)}") from exc
        raise FetchError(
            f"cannot connect to {target.netloc}: {_describe(failure, self.timeout)}; check the URL "
            "and your network"
        )

    def _resolve(self, target: _Target) -> list[str]:
        try:
            infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"cannot resolve host {target.host} in {target.url}: {exc}") from exc
        addresses: list[str] = []
        for info in infos:
            address = str(info[4][0]).split("%", 1)[0]
            if not self.allow_private and _is_internal(ipaddress.ip_address(address)):
                raise FetchError(
                    f"refusing {target.url}: {target.host} resolves to {address}, a private or local "
                    "address; pass --allow-private to fetch from your own network"
                )
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise FetchError(f"cannot resolve host {target.host} in {target.url}: no addresses")
        return addresses

    def _wait(self, host: str) -> None:
        interval = max(self.min_interval, self._crawl_delay.get(host, 0.0))
        last = self._last_request.get(host)
        if last is not None:
            remaining = last + interval - self._clock()
            if remaining > 0:
                self._sleep(remaining)
        self._last_request[host] = self._clock()

    def _allowed(self, target: _Target) -> bool:
        key = f"{target.scheme}://{target.netloc}"
        if key not in self._robots:
            self._robots[key] = self._load_robots(key, target.host)
        rules = self._robots[key]
        return rules is None or rules.can_fetch(self.user_agent, target.url)

    def _load_robots(self, origin: str, host: str) -> RobotFileParser | None:
        """The parsed rules, or ``None`` when the site has no robots.txt (everything allowed)."""
        url = f"{origin}/robots.txt"
        response, final = self._open(url, check_robots=False)
        status = response.status
        if 400 <= status < 500 and status != 429:
            response.close()
            return None
        if not 200 <= status < 300:
            response.close()
            # An unreachable robots.txt may hide a ban; a polite crawler waits rather than guesses.
            raise FetchError(f"cannot read {url} (HTTP {status}); the site may be busy, try again later")
        body = self._read_body(response, final, min(self.max_bytes, _ROBOTS_LIMIT), cut=True)
        rules = RobotFileParser(url)
        rules.parse(body.decode("utf-8", "replace").splitlines())
        delay = rules.crawl_delay(self.user_agent)
        if delay:
            self._crawl_delay[host] = min(float(delay), _MAX_CRAWL_DELAY)
        return rules

    def _read_body(self, response: BaseHTTPResponse, url: str, limit: int, *, cut: bool) -> bytes:
        """The decoded body, at most ``limit`` bytes: cut there, or refused when ``cut`` is false."""
        declared = response.headers.get("Content-Length", "").strip()
        if not cut and declared.isdigit() and int(declared) > limit:
            response.close()
            raise FetchError(_too_large(url, limit))
        chunks: list[bytes] = []
        total = 0
        complete = False
        try:
            for chunk in response.stream(_CHUNK, decode_content=True):
                if total + len(chunk) > limit:
                    if not cut:
                        raise FetchError(_too_large(url, limit))
                    chunks.append(chunk[: limit - total])
                    break
                chunks.append(chunk)
                total += len(chunk)
            else:
                complete = True
        except HTTPError as exc:
            raise FetchError(f"cannot read {url}: {_describe(exc, self.timeout)}") from exc
        finally:
            if complete:
                response.release_conn()
            else:
                response.close()
        return b"".join(chunks)


def _parse_target(url: str) -> _Target:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}://" if scheme else "a relative"
        raise FetchError(f"refusing {shown} URL {url}: only http and https URLs can be fetched")
    if not parts.hostname:
        raise FetchError(f"no host in URL {url}")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
        port = parts.port or (443 if scheme == "https" else 80)
    except (UnicodeError, ValueError) as exc:
        raise FetchError(f"malformed URL {url}: {exc}") from exc
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return _Target(url=url, scheme=scheme, host=host, port=port, path=path)


def _is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _describe(error: HTTPError | None, timeout: float) -> str:
    if isinstance(error, ConnectTimeoutError | ReadTimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(error, SSLError):
        return f"TLS error ({error})"
    if isinstance(error, NewConnectionError):
        return f"connection failed ({error})"
    return str(error) if error is not None else "no address to connect to"


def _too_large(url: str, limit: int) -> str:
    size = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
    return f"{url}: response larger than {size}; raise --max-fetch-bytes"
