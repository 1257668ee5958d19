"""Slack's current file upload flow: files.getUploadURLExternal, the upload POST, then
files.completeUploadExternal, which shares the file in a channel as a message.

The stand-in keeps every uploaded file's bytes, so tests and the demo can read them back.
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
    channel: str | None = None
    message_ts: str | None = None


class FileUploads:
    def __init__(self, base_url: Callable[[], str]):
        self._base_url = base_url
        self._files: dict[str, UploadedFile] = {}
        self._lock = threading.Lock()

    def start(self, filename: str, length: int) -> UploadedFile:
        upload = UploadedFile(id="F0" + secrets.token_hex(4).upper(), filename=filename, length=length)
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

    def shared(self) -> list[UploadedFile]:
        with self._lock:
            return [upload for upload in self._files.values() if upload.message_ts]


def file_object(upload: UploadedFile) -> dict:
    return {"id": upload.id, "name": upload.filename, "title": upload.title or upload.filename,
            "mimetype": "image/png" if upload.filename.endswith(".png") else "application/octet-stream",
            "size": len(upload.data or b""), "user": d.BOT_USER_ID}


def get_upload_url_external(ctx: ApiContext, args: dict) -> dict:
    filename = arg_required(args, "filename", "invalid_arguments")
    length = arg_int(args, "length", 0, maximum=1_000_000_000)
    if length <= 0:
        raise SlackError("invalid_arguments")
    upload = ctx.files.start(filename, length)
    return {"upload_url": ctx.files.upload_url(upload.id), "file_id": upload.id}


def complete_upload_external(ctx: ApiContext, args: dict) -> dict:
    try:
        wanted = json.loads(arg_required(args, "files"))
    except json.JSONDecodeError:
        raise SlackError("invalid_arguments") from None
    uploads = [ctx.files.get(str(item.get("id"))) for item in wanted]
    for upload, item in zip(uploads, wanted):
        upload.title = item.get("title") or upload.filename
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
