"""What /metrics shows: the bot's counters and gauges, in Prometheus' text format."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


@dataclass(frozen=True)
class Metrics:
    """One set per application (its own registry, so tests and instances never share one)."""

    registry: CollectorRegistry
    updates: Counter
    answers: Counter
    deliveries: Counter
    send_seconds: Histogram
    deliveries_due: Gauge
    leader: Gauge

    @classmethod
    def create(cls) -> Metrics:
        """A fresh registry with every metric at zero."""
        registry = CollectorRegistry()
        return cls(
            registry=registry,
            updates=Counter("clinic_bot_updates", "Telegram updates handled", registry=registry),
            answers=Counter(
                "clinic_bot_answers",
                "Answers to patients' questions, by outcome",
                ["outcome"],  # topic | fallback | urgent
                registry=registry,
            ),
            deliveries=Counter(
                "clinic_bot_deliveries",
                "Scheduled messages by kind and outcome",
                ["kind", "outcome"],
                registry=registry,
            ),
            send_seconds=Histogram(
                "clinic_bot_send_seconds",
                "Time Telegram took to accept one scheduled message",
                registry=registry,
            ),
            deliveries_due=Gauge(
                "clinic_bot_deliveries_due",
                "Scheduled messages due and not yet sent, as of the last dispatcher tick",
                registry=registry,
            ),
            leader=Gauge(
                "clinic_bot_leader",
                "1 when this instance leads (polls and dispatches), 0 when it stands by",
                registry=registry,
            ),
        )

    def exposition(self) -> bytes:
        """The text /metrics serves."""
        return generate_latest(self.registry)
