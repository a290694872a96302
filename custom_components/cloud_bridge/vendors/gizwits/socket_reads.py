"""Reads over the app WebSocket that wait for their answers (the safety poll).

Each ``c2s_read`` carries a ``req_sn``; the ``s2c_noti`` that answers it
carries it back as ``res_sn`` (the document places it at the top level; one
inside ``data`` is read too). A device that does not answer in time, or whose
socket drops first, is simply not among those that answered.
"""

import asyncio
from typing import Any


class PendingReads:
    """One round of reads: what was asked, under which req_sn, and who answered."""

    def __init__(self) -> None:
        """Start a round with nothing asked."""
        self._asked: dict[int, str] = {}
        self.answered: set[str] = set()
        self._done = asyncio.Event()
        self._done.set()

    def ask(self, req_sn: int, did: str) -> None:
        """Wait for an answer to the read of did sent with req_sn."""
        self._asked[req_sn] = did
        self._done.clear()

    def answer(self, res_sn: Any, did: str) -> None:
        """Take a notification of did carrying res_sn; end the round when complete."""
        if type(res_sn) is int and self._asked.get(res_sn) == did:
            del self._asked[res_sn]
            self.answered.add(did)
            if not self._asked:
                self._done.set()

    def end(self) -> None:
        """Give up on what is unanswered (the connection ended)."""
        self._done.set()

    async def wait(self) -> None:
        """Return once every read is answered, or the connection ended."""
        await self._done.wait()
