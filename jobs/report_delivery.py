"""Each piece of a report out exactly once: the digest's chart, the message, each reply in its thread.

A report takes several Slack calls, and a failure, a crash or a lost lease may cut its outbox
row's try short after any of them. Each piece is recorded as soon as Slack takes it
(storage/job_claims.py `record_piece`), while the row is still this process's: the next try
posts only what is missing. A try after the first may meet pieces Slack took just before the
last one was cut short and that were never recorded, so it looks for each in Slack first (a
message by its metadata, a file shared in the channel by its name) and adopts what it finds.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from slack_sdk import WebClient

from bot.delivery import Delivery
from commands.message_search import find_by_metadata, find_file_share, message_metadata
from commands.posting import post_joining
from storage.job_claims import posted_pieces, record_piece

log = logging.getLogger(__name__)
REPORT_EVENT = "supportbot_report"
MAIN = "message"  # the report itself; its chart and thread replies are pieces of their own


def report_metadata(job: str, period: str, piece: str = MAIN) -> dict:
    return message_metadata(REPORT_EVENT, job=job, period=period, piece=piece)


@dataclass
class ReportDelivery:
    row: Delivery  # the report's outbox row, this process's while it delivers
    job: str
    period: str
    channel: str
    look_since: datetime | None = None  # set when an earlier try may have posted pieces it never recorded
    posted: dict[str, str] = field(init=False)
    looked_for: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.posted = posted_pieces(self.row.db(), self.job, self.period)

    @property
    def client(self) -> WebClient:
        return self.row.client

    def message(self, piece: str, thread_ts: str | None = None, **content) -> str:
        """Post the message `piece` (in the thread `thread_ts`) once; its ts."""
        metadata = report_metadata(self.job, self.period, piece)
        return self._once(
            piece,
            lambda: post_joining(self.client, self.channel, thread_ts=thread_ts, metadata=metadata,
                                 **content)["ts"],
            self._message_finder(piece, thread_ts))

    def message_out(self, piece: str) -> str | None:
        """The ts of the message `piece` if it is out already, so a report can skip building it."""
        return self._out(piece, self._message_finder(piece, None))

    def file(self, piece: str, filename: str, upload: Callable[[], str]) -> str:
        """Share the file `piece` once, `upload` returning its id; its id."""
        return self._once(piece, upload, self._file_finder(filename))

    def file_out(self, piece: str, filename: str) -> str | None:
        """The id of the shared file `piece` if it is out already."""
        return self._out(piece, self._file_finder(filename))

    def private_file(self, piece: str, upload: Callable[[], str]) -> str:
        """Upload the file `piece` once, unshared, `upload` returning its id; its id. Nobody sees
        an unshared file, so one a try left unrecorded is not looked for: it is made again."""
        return self._once(piece, upload, lambda since: None)

    def _message_finder(self, piece: str, thread_ts: str | None) -> Callable[[datetime], str | None]:
        metadata = report_metadata(self.job, self.period, piece)
        return lambda since: find_by_metadata(self.client, self.channel, metadata, since, thread_ts)

    def _file_finder(self, filename: str) -> Callable[[datetime], str | None]:
        return lambda since: find_file_share(self.client, self.channel, filename, since)

    def _once(self, piece: str, post: Callable[[], str], find: Callable[[datetime], str | None]) -> str:
        out = self._out(piece, find)
        if out:
            return out
        self.row.still_mine()
        return self._record(piece, post())

    def _out(self, piece: str, find: Callable[[datetime], str | None]) -> str | None:
        """Recorded, or (after an earlier try) found in Slack and adopted."""
        if piece in self.posted:
            return self.posted[piece]
        if not self.look_since or piece in self.looked_for:
            return None
        self.looked_for.add(piece)
        slack_id = find(self.look_since)
        if not slack_id:
            return None
        log.info("%s %s: the %s was in Slack already: adopted", self.job, self.period, piece)
        return self._record(piece, slack_id)

    def _record(self, piece: str, slack_id: str) -> str:
        """Written at once, while the row is still this process's (else LeaseLost: the next owner adopts it)."""
        now = self.row.deps.clock()
        self.row.record_now(lambda db: record_piece(db, now, self.job, self.period, piece, self.channel, slack_id))
        self.posted[piece] = slack_id
        return slack_id
