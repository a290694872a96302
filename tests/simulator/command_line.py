"""Running the simulators' command line in a test, one cloud at a time."""

import argparse
import asyncio

import pytest

from simulator.__main__ import VENDORS, build_parser, serve


def only(vendor_key: str, *argv: str) -> argparse.Namespace:
    """Parse a command line that serves one cloud: the others' ports are off."""
    args = build_parser().parse_args(list(argv))
    for vendor in VENDORS:
        if vendor.key != vendor_key:
            setattr(args, f"{vendor.key.replace('-', '_')}_port", -1)
    return args


async def run_until_ready(
    args: argparse.Namespace, capsys: pytest.CaptureFixture[str]
) -> str:
    """Serve until the command line says it is ready, then stop; return its output."""
    task = asyncio.ensure_future(serve(args))
    output = ""
    while "Press Ctrl-C" not in output and not task.done():
        await asyncio.sleep(0.01)
        output += capsys.readouterr().out
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return output
