"""Run the vendor cloud simulators until Ctrl-C: ``python -m simulator --help``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta
import logging
from pathlib import Path
import signal
import sys
from typing import TYPE_CHECKING, Any, Protocol

from . import gizwits_demo, wegnology_demo
from .gizwits import GizwitsSimulator
from .gizwits_aep import AEP_LOGIN_PATH
from .gizwits_push import WS_PATH
from .wegnology import WegnologySimulator
from .wiz_pro import WizProSimulator
from .wiz_pro_demo import demo_data, run_demo_activity
from .wiz_pro_oauth import DEFAULT_CLIENT_ID

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Sequence

    from .server import SimulatorServer


class _Options(Protocol):
    """Where a vendor adds its command-line options (an argparse argument group)."""

    def add_argument(self, *args: Any, **kwargs: Any) -> Any:
        """Add one option."""


@dataclass
class Running:
    """A started simulator, what to tell the developer, and its extra tasks."""

    server: SimulatorServer
    lines: list[str]
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    def run(self, line: str, activity: Coroutine[Any, Any, None]) -> None:
        """Run a demo's scripted activity in the background, and say so in line."""
        self.lines.append(line)
        self.tasks.append(asyncio.get_running_loop().create_task(activity))


@dataclass(frozen=True)
class Vendor:
    """One simulated cloud: its port option and how to start it from the arguments."""

    key: str
    title: str
    default_port: int
    add_arguments: Callable[[_Options], None]
    start: Callable[[argparse.Namespace, str, int], Awaitable[Running]]


def _wiz_pro_arguments(group: _Options) -> None:
    """Add the WiZ Pro options."""
    group.add_argument(
        "--webhook-url", help="Data export webhook URL for STATUSCHANGE notifications"
    )
    group.add_argument(
        "--allow-http-webhooks",
        action="store_true",
        help="accept an http:// webhook URL (the real cloud supports https only)",
    )
    group.add_argument(
        "--echo-state",
        action="store_true",
        help="add &state=... to the OAuth callback (the document's example has none)",
    )
    group.add_argument(
        "--client-id",
        action="append",
        dest="client_ids",
        metavar="ID",
        help=f"registered OAuth client id (repeatable; default {DEFAULT_CLIENT_ID})",
    )
    group.add_argument(
        "--token-lifetime",
        type=float,
        default=3 * 3600,
        metavar="SECONDS",
        help="access token lifetime (default 10800, the document's 3 hours)",
    )
    group.add_argument(
        "--activity-interval",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="play one scripted, repeatable demo event this often (0: never)",
    )


async def _start_wiz_pro(args: argparse.Namespace, host: str, port: int) -> Running:
    """Start the WiZ Pro simulator with the demo office and warehouse."""
    sim = WizProSimulator(
        demo_data(buildings=2),
        client_ids=args.client_ids or (DEFAULT_CLIENT_ID,),
        echo_state=args.echo_state,
        require_https_webhooks=not args.allow_http_webhooks,
        access_token_lifetime=timedelta(seconds=args.token_lifetime),
        token_file=args.state_dir / "wiz_pro_tokens.json" if args.state_dir else None,
    )
    if args.webhook_url:
        sim.webhook_url = args.webhook_url  # ValueError for http without the flag
    await sim.start(host, port)
    client_id = sorted(sim.client_ids)[0]
    lines = [
        f"WiZ Pro simulator   {sim.url}",
        f"  client id         {', '.join(sorted(sim.client_ids))}",
        (
            f"  authorize         {sim.url}/dashboard/#/oauth/authorize?client_id="
            f"{client_id}&code_challenge=...&code_challenge_method=S256&redirect_uri=..."
        ),
        f"  token endpoint    {sim.url}/api/oauth/token",
        f"  GraphQL endpoint  {sim.url}/api/graphql",
        (
            f"  webhook           {sim.webhook_url or 'off'}"
            f" (change: POST {sim.url}/_simulator/webhook)"
        ),
    ]
    lines.extend(
        f"  building          {building.name} ({building.id},"
        f" {len(building.lights)} lights)"
        for building in sim.buildings
    )
    running = Running(sim, lines)
    if (interval := args.activity_interval) > 0:
        running.run(
            f"  demo activity     one scripted event every {interval:g} s",
            run_demo_activity(sim, interval),
        )
    return running


def _gizwits_arguments(group: _Options) -> None:
    """Add the Gizwits options."""
    group.add_argument(
        "--gizwits-app-id",
        action="append",
        dest="gizwits_app_ids",
        metavar="APPID",
        help=f"registered AppID (repeatable; default {gizwits_demo.DEMO_APP_ID})",
    )
    group.add_argument(
        "--gizwits-no-super-app",
        action="store_true",
        help="the AppIDs are not super AppIDs: GET /app/datapoint answers 9003",
    )
    group.add_argument(
        "--gizwits-token-lifetime",
        type=float,
        default=7 * 24 * 3600,
        metavar="SECONDS",
        help="user token lifetime (default 604800, the document's 7 days)",
    )
    group.add_argument(
        "--gizwits-aep-token-lifetime",
        type=float,
        default=180 * 24 * 3600,
        metavar="SECONDS",
        help="lifetime of tokens from the newer (AEP) app login (default 15552000,"
        " 180 days)",
    )
    group.add_argument(
        "--gizwits-numeric-codes",
        action="store_true",
        help="AEP replies carry their code as a number (200) instead of a string",
    )
    group.add_argument(
        "--gizwits-no-refresh",
        action="store_true",
        help="POST /app/user/refresh_token answers 404: AEP clients must sign in again",
    )
    group.add_argument(
        "--gizwits-refuse-aep-bindings",
        action="store_true",
        help="GET /app/bindings refuses AEP tokens (9026, HTTP 404): clients use the"
        " AEP device list",
    )
    group.add_argument(
        "--gizwits-refuse-sockets",
        action="store_true",
        help="the app WebSocket (/ws/app/v1) refuses every upgrade with HTTP 503",
    )
    group.add_argument(
        "--gizwits-partial-attrs",
        action="store_true",
        help="s2c_noti carries only the datapoints a report changed (default: all)",
    )
    group.add_argument(
        "--gizwits-is-online",
        action="store_true",
        help="s2c_online_status names its flag is_online instead of online",
    )
    group.add_argument(
        "--gizwits-server-req-sn",
        action="store_true",
        help="s2c_noti carries the server's own req_sn; apps must answer c2s_ack",
    )
    group.add_argument(
        "--gizwits-activity-interval",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="play one scripted, repeatable demo event this often (0: never)",
    )


def _gizwits_switches(sim: GizwitsSimulator, args: argparse.Namespace) -> None:
    """Set the AEP and WebSocket switches the command line names."""
    sim.aep.numeric_codes = args.gizwits_numeric_codes
    sim.aep.refresh_available = not args.gizwits_no_refresh
    sim.aep.bindings_refused = args.gizwits_refuse_aep_bindings
    sim.push.refuse = args.gizwits_refuse_sockets
    sim.push.full_attrs = not args.gizwits_partial_attrs
    sim.push.online_field = "is_online" if args.gizwits_is_online else "online"
    sim.push.server_req_sn = args.gizwits_server_req_sn


async def _start_gizwits(args: argparse.Namespace, host: str, port: int) -> Running:
    """Start the Gizwits simulator with the demo home and its moved account."""
    app_ids = args.gizwits_app_ids or (gizwits_demo.DEMO_APP_ID,)
    sim = GizwitsSimulator(
        gizwits_demo.demo_data(moved_user=True),
        app_ids=app_ids,
        super_app_ids=() if args.gizwits_no_super_app else None,
        token_lifetime=timedelta(seconds=args.gizwits_token_lifetime),
        aep_token_lifetime=timedelta(seconds=args.gizwits_aep_token_lifetime),
    )
    _gizwits_switches(sim, args)
    await sim.start(host, port)
    user = sim.user(gizwits_demo.DEMO_USERNAME)
    moved = sim.user(gizwits_demo.DEMO_MOVED_USERNAME)
    super_app = "no" if args.gizwits_no_super_app else "yes"
    app_ids = ", ".join(sorted(sim.app_ids))
    logins = f"{user.username} / {user.email} / {user.phone}"
    counts = (
        f"{len(user.bindings)} devices, {len(user.groups)} groups,"
        f" {len(user.scenes)} scenes"
    )
    ws_url = sim.url.replace("http://", "ws://", 1) + WS_PATH
    sockets = "refused (503)" if sim.push.refuse else ws_url
    lines = [
        f"Gizwits simulator   {sim.url}",
        f"  AppID             {app_ids} (super AppID: {super_app})",
        f"  login             POST {sim.url}/app/login",
        f"  user              {logins}, password {user.password}",
        f"  account           {counts}",
        f"  AEP login         POST {sim.url}{AEP_LOGIN_PATH}",
        (
            f"  moved user        {moved.username} / {moved.email},"
            f" password {moved.password} (AEP login only)"
        ),
        f"  app WebSocket     {sockets}",
    ]
    running = Running(sim, lines)
    if (interval := args.gizwits_activity_interval) > 0:
        running.run(
            f"  demo activity     one scripted event every {interval:g} s",
            gizwits_demo.run_demo_activity(sim, interval),
        )
    return running


def _wegnology_arguments(group: _Options) -> None:
    """Add the WEGnology options."""
    group.add_argument(
        "--wegnology-no-bulk-state",
        action="store_true",
        help="GET .../devices/compositeState answers 404, as an older deployment"
        " would (clients fall back to one request per device)",
    )
    group.add_argument(
        "--wegnology-token-lifetime",
        type=float,
        default=30 * 24 * 3600,
        metavar="SECONDS",
        help="lifetime of user tokens issued without tokenTTL"
        " (default 2592000, 30 days)",
    )
    group.add_argument(
        "--wegnology-alert-interval",
        type=float,
        default=180.0,
        metavar="SECONDS",
        help="raise one scripted demo alert this often, resolving the one raised two"
        " alerts before (default 180; 0: never)",
    )
    group.add_argument(
        "--wegnology-max-per-page",
        type=int,
        default=1000,
        metavar="N",
        help="refuse perPage above N on every list with 400 'perPage must be <= N'"
        " (default 1000)",
    )
    group.add_argument(
        "--wegnology-app-token-list-401",
        action="store_true",
        help="GET /applications with an application API token answers 401"
        " (default 403; deployments differ)",
    )
    group.add_argument(
        "--wegnology-recent-unresolved",
        action="store_true",
        help="events/mostRecentBySeverity picks among new and acknowledged events"
        " (default: new ones only, as Losant documents it)",
    )


async def _start_wegnology(args: argparse.Namespace, host: str, port: int) -> Running:
    """Start the WEGnology simulator with the demo plant."""
    sim = WegnologySimulator(
        wegnology_demo.demo_data(),
        token_lifetime=timedelta(seconds=args.wegnology_token_lifetime),
        max_per_page=args.wegnology_max_per_page,
    )
    sim.bulk_composite_state = not args.wegnology_no_bulk_state
    if args.wegnology_app_token_list_401:
        sim.app_token_applications_status = 401
    if args.wegnology_recent_unresolved:
        sim.most_recent_states = ("new", "acknowledged")
    await sim.start(host, port)
    user = sim.user(wegnology_demo.DEMO_EMAIL)
    token = sim.api_tokens[wegnology_demo.DEMO_API_TOKEN]
    scoped = sim.application(token.application_id or "").name
    bulk = "on" if sim.bulk_composite_state else "off (404)"
    lines = [
        f"WEGnology simulator {sim.url}",
        f"  login             POST {sim.url}/auth/user",
        f"  user              {user.email}, password {user.password}",
        f"  API token         {token.token} ({', '.join(token.scope)}, {scoped})",
        f"  user API token    {wegnology_demo.DEMO_USER_API_TOKEN} (all.User)",
        f"  bulk state        {bulk}",
        f"  perPage           at most {sim.max_per_page}",
        (f"  app token lists   /applications → {sim.app_token_applications_status}"),
        (
            "  most recent       by severity among"
            f" {' and '.join(sim.most_recent_states)} events"
        ),
    ]
    for app in sim.applications.values():
        buttons = sum(
            1
            for flow in app.flows.values()
            for trigger in flow.triggers
            if trigger.type == "virtualButton"
        )
        lines.append(
            f"  application       {app.name} ({app.id}, {len(app.devices)} devices,"
            f" {len(app.events)} events, {len(app.flows)} workflows,"
            f" {buttons} virtual buttons)"
        )
    running = Running(sim, lines)
    if (interval := args.wegnology_alert_interval) > 0:
        running.run(
            f"  demo alerts       one scripted alert every {interval:g} s",
            wegnology_demo.run_demo_activity(sim, interval),
        )
    return running


VENDORS: tuple[Vendor, ...] = (
    Vendor("wiz-pro", "WiZ Pro", 8301, _wiz_pro_arguments, _start_wiz_pro),
    Vendor("gizwits", "Gizwits", 8302, _gizwits_arguments, _start_gizwits),
    Vendor("wegnology", "WEGnology", 8303, _wegnology_arguments, _start_wegnology),
)


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Run local simulators of the vendor clouds until Ctrl-C.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--log-level", default="INFO", help="logging level (default INFO)"
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="keep issued tokens here across restarts (default: forget them)",
    )
    for vendor in VENDORS:
        group = parser.add_argument_group(vendor.title)
        group.add_argument(
            f"--{vendor.key}-port",
            type=int,
            default=vendor.default_port,
            metavar="PORT",
            help=f"port of the {vendor.title} simulator (default {vendor.default_port};"
            " -1: do not start it)",
        )
        vendor.add_arguments(group)
    return parser


async def serve(args: argparse.Namespace) -> None:
    """Start the chosen simulators and run until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            signals.append(sig)
    running: list[Running] = []
    try:
        for vendor in VENDORS:
            port = getattr(args, f"{vendor.key.replace('-', '_')}_port")
            if port < 0:
                continue
            started = await vendor.start(args, args.host, port)
            running.append(started)
            sys.stdout.write("\n".join(started.lines) + "\n")
        sys.stdout.write("Press Ctrl-C to stop.\n")
        sys.stdout.flush()
        await stop.wait()
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        for started in reversed(running):
            for task in started.tasks:
                task.cancel()
            await asyncio.gather(*started.tasks, return_exceptions=True)
            await started.server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(message)s"
    )
    try:
        asyncio.run(serve(args))
    except (OSError, ValueError) as err:
        sys.stderr.write(f"simulator: {err}\n")
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
