"""Plain-text rendering of a channel, roughly as a person would read it in Slack."""

from __future__ import annotations

import re
from typing import Callable

from .dates import DateReader

_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def readable_mrkdwn(text: str, name_of: Callable[[str], str], dates: DateReader | None = None) -> str:
    """Replace Slack's <@U…>, <#C…|name>, <!subteam^S…|@x>, <!date^…|fallback> and <url|label>
    markup; dates as `dates` reads them (without one, their fallback)."""

    def replace(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("!date^") and dates:
            return dates.read(target, label or "")
        if target.startswith("@"):
            return "@" + (label or name_of(target[1:]))
        if target.startswith("#"):
            return "#" + (label or name_of(target[1:]))
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        return label or target

    return _LINK.sub(replace, text)


def _text_of(obj: object) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text") or obj.get("alt_text") or "")
    return str(obj or "")


def _element_label(element: dict) -> str:
    kind = element.get("type", "")
    if kind == "button":
        return f"[{_text_of(element.get('text'))}]"
    if "placeholder" in element:
        return f"[{_text_of(element['placeholder'])} v]"
    return f"[{kind}]"


def _rich_text(element: object) -> str:
    if isinstance(element, dict):
        if "text" in element and isinstance(element["text"], str):
            return element["text"]
        if element.get("type") == "user":
            return f"<@{element.get('user_id')}>"
        return "".join(_rich_text(e) for e in element.get("elements", []))
    return ""


def block_lines(block: dict) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [f"== {_text_of(block.get('text'))} =="]
    if kind == "section":
        lines = _text_of(block.get("text")).splitlines() if block.get("text") else []
        fields = [" ".join(_text_of(f).split()) for f in block.get("fields") or []]
        lines += [" | ".join(fields[i:i + 2]) for i in range(0, len(fields), 2)]
        if isinstance(block.get("accessory"), dict) and block["accessory"].get("type") != "image":
            lines.append(_element_label(block["accessory"]))
        return lines
    if kind == "context":
        return [" · ".join(_text_of(e) for e in block.get("elements", []))]
    if kind == "actions":
        return [" ".join(_element_label(e) for e in block.get("elements", []))]
    if kind == "divider":
        return ["---"]
    if kind == "image":  # Slack shows the title above the picture
        return [f"[image: {_text_of(block.get('title')) or block.get('alt_text', '')}]"]
    if kind == "rich_text":
        return _rich_text(block).splitlines()
    if kind == "input":
        return [f"{_text_of(block.get('label'))}: {_element_label(block.get('element', {}))}"]
    return []


def message_lines(message: dict) -> list[str]:
    lines = []
    for block in message.get("blocks") or []:
        lines.extend(block_lines(block))
    if not lines:
        lines = str(message.get("text") or "").splitlines() or [""]
    lines += [f"[file: {shared.get('title') or shared.get('name')}]" for shared in message.get("files") or []]
    for attachment in message.get("attachments") or []:
        lines.extend(str(attachment.get("text") or attachment.get("fallback") or "").splitlines())
    return lines


def render_message(message: dict, author: str, name_of: Callable[[str], str], indent: str,
                   dates: DateReader | None = None) -> list[str]:
    lines = [readable_mrkdwn(line, name_of, dates) for line in message_lines(message)]
    edited = " (edited)" if message.get("edited") else ""
    out = [f"{indent}{author}: {lines[0]}{edited}"]
    out += [f"{indent}  {line}" for line in lines[1:]]
    reactions = " ".join(f":{r['name']}: {r['count']}" for r in message.get("reactions") or [])
    if reactions:
        out.append(f"{indent}  {reactions}")
    return out


def render_channel(title: str, messages: list[dict], name_of: Callable[[str], str],
                   dates: DateReader | None = None) -> str:
    """Top-level messages in order, each followed by its replies indented under it."""
    replies: dict[str, list[dict]] = {}
    for message in messages:
        if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
            replies.setdefault(message["thread_ts"], []).append(message)
    lines = [title]
    for message in messages:
        if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
            continue
        lines += render_message(message, name_of(message.get("user", "")), name_of, "", dates)
        for reply in replies.pop(message["ts"], []):
            lines += render_message(reply, name_of(reply.get("user", "")), name_of, "    ", dates)
    for orphans in replies.values():  # replies whose parent is gone
        for reply in orphans:
            lines += render_message(reply, name_of(reply.get("user", "")), name_of, "    ", dates)
    return "\n".join(lines)
