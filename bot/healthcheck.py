"""The image's HEALTHCHECK: in webhook mode, is `/healthz` answering? Exit 0 if so, 1 if not."""

from __future__ import annotations

import sys
import urllib.request

from bot.settings import Settings

TIMEOUT = 4.0


def healthz_url(listen: str) -> str:
    """Where this container's own webhook server answers `/healthz`."""
    _, _, port = listen.rpartition(":")
    return f"http://127.0.0.1:{port}/healthz"


def probe(url: str) -> bool:
    """True when `url` answers 200 within the timeout."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return int(response.status) == 200
    except (OSError, ValueError):  # refused, timed out, HTTP error (URLError is an OSError)
        return False


def main() -> int:
    """Long polling serves nothing to probe, so it counts as healthy; webhook mode must answer."""
    settings = Settings()
    if not settings.webhook_url:
        return 0
    return 0 if probe(healthz_url(settings.webhook_listen)) else 1


if __name__ == "__main__":
    sys.exit(main())
