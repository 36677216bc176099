"""Per-client rate limits in the shared cache, without keeping anyone's address.

A client is known only by a salted hash of its address. The salt comes from
SECRET_KEY and the day the counting window started, so yesterday's keys cannot
be linked to today's, and every key expires with its window. The address itself
is never stored or logged. IPv6 clients are counted per /64 network, the block
one household or phone usually has.
"""

import datetime
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    retry_after: int


def client_address(request):
    """The address of the client, seen through `TRUSTED_PROXY_COUNT` proxies of ours.

    Behind a load balancer REMOTE_ADDR is the balancer's; each trusted proxy appends
    the address it saw to X-Forwarded-For, so the client's is that many from the end.
    Anything before it was written by the client and is not trusted.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_network(request):
    """The client's address as a network: an IPv6 client is its /64, the block one household
    or phone usually has (it may change the rest at will)."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6 and parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def client_fingerprint(request, *, day):
    """A salted hash standing for the client's address on `day` (a date)."""
    return salted_hmac(
        f"soliday.ratelimit.{day.isoformat()}", client_network(request), algorithm="sha256"
    ).hexdigest()[:32]


def cache_key(request, scope, window, now=None):
    now = time.time() if now is None else now
    bucket = int(now // window)
    day = datetime.datetime.fromtimestamp(bucket * window, tz=datetime.UTC).date()
    return f"ratelimit:{scope}:{bucket}:{client_fingerprint(request, day=day)}"


def hit(request, scope, *, limit, window):
    """Count one request of this client in `scope`; allowed while at most `limit` per `window`."""
    now = time.time()
    key = cache_key(request, scope, window, now)
    timeout = window + 60
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, 1, timeout=timeout)
        count = 1
    bucket_end = (int(now // window) + 1) * window
    return Decision(
        allowed=count <= limit, count=count, retry_after=max(1, math.ceil(bucket_end - now))
    )
