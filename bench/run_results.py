"""What happened to each command of a run, and the figures drawn from all of them."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from slack_workspace import CARD_CHANNELS, ORIGIN_CHANNEL


@dataclass
class Sample:
    """One command: when it was sent and acknowledged, and (for the bot) what became of its escalation."""

    token: str
    response_url: str
    sent_at: float
    acked_at: float | None = None
    ack_error: str | None = None
    card_at: dict[str, float] = field(default_factory=dict)  # channel ID -> when its card there was posted
    problem_reply: str | None = None  # text posted to its response_url: the bot does so only when something went wrong

    @property
    def acked(self) -> bool:
        return self.ack_error is None

    @property
    def origin_card_at(self) -> float | None:
        return self.card_at.get(ORIGIN_CHANNEL[0])

    @property
    def both_cards_at(self) -> float | None:
        """When the later of its two cards was posted, once both were."""
        if any(channel not in self.card_at for channel, _ in CARD_CHANNELS):
            return None
        return max(self.card_at.values())

    @property
    def raised(self) -> bool:
        """Acknowledged, both cards posted, nothing to say on the response_url: the escalation went through."""
        return self.acked and self.both_cards_at is not None and self.problem_reply is None


@dataclass
class RunResult:
    samples: list[Sample]
    cpu_cores: dict[str, float] = field(default_factory=dict)
    server_exceptions: Counter[str] = field(default_factory=Counter)

    @property
    def failed_acks(self) -> int:
        return sum(not sample.acked for sample in self.samples)

    @property
    def missing_cards(self) -> int:
        """Acknowledged commands with no card in #help, in the queue, or either."""
        return sum(sample.acked and sample.both_cards_at is None for sample in self.samples)

    @property
    def problem_replies(self) -> int:
        return sum(sample.problem_reply is not None for sample in self.samples)

    @property
    def failed_escalations(self) -> int:
        return sum(not sample.raised for sample in self.samples)

    def ack_ms(self) -> list[float]:
        return [(s.acked_at - s.sent_at) * 1000 for s in self.samples if s.acked]

    def origin_card_ms(self) -> list[float]:
        return [(s.origin_card_at - s.sent_at) * 1000 for s in self.samples if s.origin_card_at is not None]

    def both_cards_ms(self) -> list[float]:
        return [(s.both_cards_at - s.sent_at) * 1000 for s in self.samples if s.both_cards_at is not None]

    def escalations_per_second(self) -> float:
        """All commands over the time from the first send to the last escalation's second card."""
        first_send = min(sample.sent_at for sample in self.samples)
        last_card = max((s.both_cards_at for s in self.samples if s.both_cards_at is not None), default=first_send)
        return len(self.samples) / (last_card - first_send) if last_card > first_send else 0.0


@dataclass
class Series:
    """One server's measured runs, a run per round, and what its log said went wrong."""

    runs: list[RunResult] = field(default_factory=list)
    server_exceptions: Counter[str] = field(default_factory=Counter)

    def pooled(self) -> RunResult:
        """Every round's commands as one run; CPU use is the mean over the rounds."""
        samples = [sample for run in self.runs for sample in run.samples]
        labels = self.runs[0].cpu_cores.keys() if self.runs else ()
        cpu = {label: sum(run.cpu_cores[label] for run in self.runs) / len(self.runs) for label in labels}
        return RunResult(samples, cpu, self.server_exceptions)

    def p99_ack_ms(self) -> list[float]:
        return [percentile(run.ack_ms(), 0.99) for run in self.runs]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(max(1, math.ceil(fraction * len(ordered))), len(ordered))
    return ordered[rank - 1]
