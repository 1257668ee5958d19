"""Slack's current file upload flow: files.getUploadURLExternal, the upload POST, then
files.completeUploadExternal, which shares the file in a channel as a message (or, without
`channel_id`, keeps it private to the uploader, who may still show it in an image block).

Slack processes an image for a moment after the upload completes; a message showing it by
`slack_file` meanwhile is refused with `invalid_blocks`. Tests choose how long that lasts
(`FileUploads.hold_processing`). The stand-in keeps every uploaded file's bytes, so tests and
the demo can read them back.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from typing import Callable

from . import directory as d
from .api_common import ApiContext, arg_int, arg_required
from .state import SlackError


@dataclass
class UploadedFile:
    id: str
    filename: str
    length: int
    data: bytes | None = None
    title: str | None = None
    alt_txt: str | None = None
    completed: bool = False
    channel: str | None = None
    message_ts: str | None = None
    refusals_left: int | None = 0  # messages still refused while Slack processes it; None: never ready


class FileUploads:
    def __init__(self, base_url: Callable[[], str]):
        self._base_url = base_url
        self._files: dict[str, UploadedFile] = {}
        self._lock = threading.Lock()
        self._processing_refusals: int | None = 0

    def hold_processing(self, refusals: int | None) -> None:
        """Files completed from now on stay "processing" for the first `refusals` messages that
        show them by `slack_file` (None: for good)."""
        with self._lock:
            self._processing_refusals = refusals

    def start(self, filename: str, length: int, alt_txt: str | None = None) -> UploadedFile:
        upload = UploadedFile(id="F0" + secrets.token_hex(4).upper(), filename=filename, length=length,
                              alt_txt=alt_txt)
        with self._lock:
            self._files[upload.id] = upload
        return upload

    def upload_url(self, file_id: str) -> str:
        return f"{self._base_url()}/upload/{file_id}"

    def receive(self, file_id: str, body: bytes) -> tuple[int, dict, dict]:
        """The upload POST to the URL handed out; Slack answers it with a plain 200."""
        with self._lock:
            upload = self._files.get(file_id)
            if upload is None:
                return 404, {"ok": False, "error": "file_not_found"}, {}
            upload.data = body
        return 200, {"ok": True, "size": len(body)}, {}

    def get(self, file_id: str) -> UploadedFile:
        with self._lock:
            upload = self._files.get(file_id)
        if upload is None or upload.data is None:
            raise SlackError("file_not_found" if upload is None else "file_upload_not_completed")
        return upload

    def complete(self, upload: UploadedFile, title: str | None) -> None:
        with self._lock:
            upload.title = title or upload.filename
            upload.completed, upload.refusals_left = True, self._processing_refusals

    def shared(self) -> list[UploadedFile]:
        with self._lock:
            return [upload for upload in self._files.values() if upload.message_ts]

    def completed(self) -> list[UploadedFile]:
        with self._lock:
            return [upload for upload in self._files.values() if upload.completed]

    def check_images(self, blocks: list) -> None:
        """Every image (block or element) names one source; a Slack file must be a completed
        upload that Slack has finished processing."""
        for image in _images(blocks):
            if ("image_url" in image) == ("slack_file" in image):
                raise SlackError("invalid_blocks", "an image needs exactly one of image_url and slack_file")
            if "slack_file" in image:
                self._check_ready(image["slack_file"])

    def _check_ready(self, slack_file: object) -> None:
        reference = slack_file if isinstance(slack_file, dict) else {}
        with self._lock:
            upload = next((upload for upload in self._files.values() if upload.completed
                           and (reference.get("id") == upload.id or reference.get("url") in _urls(upload))), None)
            if upload is None:
                raise SlackError("invalid_blocks", "invalid slack file")
            if upload.refusals_left is None or upload.refusals_left > 0:
                upload.refusals_left = upload.refusals_left and upload.refusals_left - 1
                raise SlackError("invalid_blocks", "invalid slack file: the file is still being processed")


def _images(value: object):
    if isinstance(value, dict):
        if value.get("type") == "image":
            yield value
        values = value.values()
    elif isinstance(value, list):
        values = value
    else:
        return
    for inner in values:
        yield from _images(inner)


def _urls(upload: UploadedFile) -> tuple[str, str]:
    return (f"https://files.slack.com/files-pri/{d.TEAM_ID}-{upload.id}/{upload.filename}",
            f"https://{d.TEAM_DOMAIN}.slack.com/files/{d.BOT_USER_ID}/{upload.id}/{upload.filename}")


def file_object(upload: UploadedFile) -> dict:
    url_private, permalink = _urls(upload)
    shown = {"id": upload.id, "name": upload.filename, "title": upload.title or upload.filename,
             "mimetype": "image/png" if upload.filename.endswith(".png") else "application/octet-stream",
             "size": len(upload.data or b""), "user": d.BOT_USER_ID, "url_private": url_private,
             "permalink": permalink, "is_public": bool(upload.channel)}
    return {**shown, "alt_txt": upload.alt_txt} if upload.alt_txt else shown


def get_upload_url_external(ctx: ApiContext, args: dict) -> dict:
    filename = arg_required(args, "filename", "invalid_arguments")
    length = arg_int(args, "length", 0, maximum=1_000_000_000)
    if length <= 0:
        raise SlackError("invalid_arguments")
    upload = ctx.files.start(filename, length, args.get("alt_txt") or None)
    return {"upload_url": ctx.files.upload_url(upload.id), "file_id": upload.id}


def complete_upload_external(ctx: ApiContext, args: dict) -> dict:
    try:
        wanted = json.loads(arg_required(args, "files"))
    except json.JSONDecodeError:
        raise SlackError("invalid_arguments") from None
    uploads = [ctx.files.get(str(item.get("id"))) for item in wanted]
    for upload, item in zip(uploads, wanted):
        ctx.files.complete(upload, item.get("title"))
    if args.get("channel_id"):
        _share(ctx, uploads, args)
    return {"files": [file_object(upload) for upload in uploads]}


def _share(ctx: ApiContext, uploads: list[UploadedFile], args: dict) -> None:
    channel = ctx.workspace.channel(args["channel_id"])
    if not channel.is_im and d.BOT_USER_ID not in channel.members:
        raise SlackError("not_in_channel")
    fields = {"user": d.BOT_USER_ID, "bot_id": d.BOT_ID, "upload": True, "text": str(args.get("initial_comment") or ""),
              "files": [file_object(upload) for upload in uploads]}
    message = ctx.workspace.add_message(channel.id, fields, thread_ts=args.get("thread_ts") or None)
    for upload in uploads:
        upload.channel, upload.message_ts = channel.id, message["ts"]


HANDLERS = {
    "files.getUploadURLExternal": get_upload_url_external,
    "files.completeUploadExternal": complete_upload_external,
}
