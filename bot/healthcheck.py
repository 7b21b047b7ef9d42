"""The image's HEALTHCHECK: in webhook mode, is `/healthz` answering? Exit 0 if so, 1 if not."""

from __future__ import annotations

import sys
import urllib.request
from dataclasses import dataclass

from pydantic import SecretStr

from bot.settings import Settings

TIMEOUT = 4.0


@dataclass(frozen=True)
class WebhookSettings:
    """WEBHOOK_URL (empty means long polling), WEBHOOK_SECRET and WEBHOOK_LISTEN as plain text."""

    url: str
    secret: str
    listen: str


def webhook_settings(settings: Settings) -> WebhookSettings:
    """The webhook settings, read only where this version's Settings defines them."""
    secret = getattr(settings, "webhook_secret", None)
    return WebhookSettings(
        url=str(getattr(settings, "webhook_url", "") or ""),
        secret=secret.get_secret_value() if isinstance(secret, SecretStr) else str(secret or ""),
        listen=str(getattr(settings, "webhook_listen", "0.0.0.0:8080")),
    )


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
    webhook = webhook_settings(Settings())
    if not webhook.url:
        return 0
    return 0 if probe(healthz_url(webhook.listen)) else 1


if __name__ == "__main__":
    sys.exit(main())
