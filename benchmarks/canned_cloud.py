"""A trivial cloud for the benchmarks: every POST gets the bytes of one file.

Run as ``python -m benchmarks.canned_cloud REPLY_FILE``; it prints its port.
It runs in its own process, so serving a reply costs the measured one nothing.
"""

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
import sys


def serve(reply: Path) -> None:
    """Answer every POST on a free port of 127.0.0.1 with the file's bytes."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            """Answer with the file's bytes."""
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = reply.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Log nothing."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
