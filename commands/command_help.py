"""A command's own short help: what a bare `/shift`, `/csat` or `/digest` answers."""

from commands.text import escape


def asks_for_help(text: str) -> bool:
    """A bare command (or `help`) shows what it can do rather than guessing."""
    return text.strip().lower() in ("", "help")


def render_command_help(title: str, rows: list[tuple[str, str]], note: str | None = None) -> list[dict]:
    text = "\n".join(usage_row(usage, words) for usage, words in rows)
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": title}},
              {"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    if note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return blocks


def usage_row(usage: str, words: str) -> str:
    """The usage as code, exactly as it is typed (`<summary>` stays visible), then what it does."""
    return f"`{escape(usage)}` — {words}"
