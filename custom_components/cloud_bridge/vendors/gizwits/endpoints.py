"""Where the app WebSockets are: each binding's socket, and the devices by socket.

Where the documents are silent, the choice: ``wss`` on the binding's
``wss_port``; plain ``ws`` on ``ws_port`` only when there is no TLS port or the
host is a loopback test server.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import ip_address

from yarl import URL

from .models import Binding

WS_PATH = "/ws/app/v1"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where one app WebSocket is: a host, a port, encrypted or not."""

    host: str
    port: int
    secure: bool

    @property
    def url(self) -> URL:
        """Return the socket's address."""
        return URL.build(
            scheme="wss" if self.secure else "ws",
            host=self.host,
            port=self.port,
            path=WS_PATH,
        )


def endpoint_for(host: str, ws_port: int, wss_port: int) -> Endpoint | None:
    """Return a binding's socket: wss, or ws without a TLS port or on loopback."""
    if not host:
        return None
    if wss_port > 0 and not (ws_port > 0 and is_loopback(host)):
        return Endpoint(host, wss_port, secure=True)
    if ws_port > 0:
        return Endpoint(host, ws_port, secure=False)
    return None


def is_loopback(host: str) -> bool:
    """Tell whether a host is this machine (a local test server)."""
    if host.lower() == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class PushTargets:
    """Where the bound devices are pushed from: by socket, each did and its online.

    ``without`` are the devices no socket is known for.
    """

    sockets: dict[Endpoint, dict[str, bool]] = field(default_factory=dict)
    without: tuple[str, ...] = ()


def push_targets(bindings: Iterable[Binding], offline: set[str]) -> PushTargets:
    """Return the sockets bound devices are pushed through; offline ones say so."""
    sockets: dict[Endpoint, dict[str, bool]] = {}
    without: list[str] = []
    for binding in bindings:
        endpoint = endpoint_for(binding.host, binding.ws_port, binding.wss_port)
        if endpoint is None:
            without.append(binding.did)
        else:
            sockets.setdefault(endpoint, {})[binding.did] = (
                binding.online and binding.did not in offline
            )
    return PushTargets(sockets, tuple(without))
