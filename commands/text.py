"""Keeping user text as text.

Text from Slack arrives in Slack's markup (`<@U1|ana>`, `<!channel>`, `&lt;`). We store it as
plain text — a broadcast becomes the words "@channel", a link becomes its label and address —
and escape it again when it goes into a message, so it can never turn into a mention or a
link that it was not.
"""

import re
from datetime import datetime

SLACK_MARKUP = re.compile(r"<([^<>]*)>")
ANSI_ESCAPE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]")
UNSAFE_CHARACTERS = re.compile("[\x00\x1b\x9b\u202a-\u202e\u2066-\u2069]")
SPECIAL_MENTION = re.compile(r"^!(channel|here|everyone)(\|.*)?$")
SUBTEAM = re.compile(r"^!subteam\^[A-Z0-9]+(?:\|(.*))?$")


def clean_user_text(text: str) -> str:
    """Without NUL, terminal escape sequences and the bidirectional overrides that make text
    read differently from what it says (U+202A–U+202E, U+2066–U+2069): applied where user text
    comes in, before it is stored or posted."""
    return UNSAFE_CHARACTERS.sub("", ANSI_ESCAPE.sub("", text))


def plain_text(slack_text: str) -> str:
    """Slack markup to what a person reads: `<@U1|ana>` → `@ana`, `<!here>` → `@here`; cleaned
    as clean_user_text does, since every message and command text comes in through here."""
    converted = SLACK_MARKUP.sub(lambda match: _plain_token(match.group(1)), slack_text)
    return clean_user_text(converted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


def _plain_token(token: str) -> str:
    target, _, label = token.partition("|")
    if special := SPECIAL_MENTION.match(token):
        return "@" + special.group(1)
    if subteam := SUBTEAM.match(token):
        return subteam.group(1) or "@group"
    if target.startswith(("@U", "@W")):
        return "@" + (label or target[1:])
    if target.startswith("#C") or target.startswith("#G"):
        return "#" + (label or target[1:])
    if target.startswith("!date"):
        return label
    return f"{label} ({target})" if label and label != target else target


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def one_line(text: str, limit: int) -> str:
    """`text` with its white space folded onto one line, cut to `limit` characters."""
    folded = " ".join(text.split())
    return folded if len(folded) <= limit else folded[: limit - 1].rstrip() + "…"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def too_long(text: str, limit: int) -> str:
    """A form field's refusal. Slack's client enforces max_length, but a submission is checked
    as it arrives all the same."""
    return f"This is {len(text)} characters; the limit is {limit}."


def slack_date(moment: datetime, token: str) -> str:
    """A time every reader sees in their own zone; the fallback is UTC for old clients."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{token}|{fallback}>"


def mention(user: str | None) -> str:
    return f"<@{user}>" if user else "_unowned_"


def counted(count: int, one: str, many: str | None = None) -> str:
    """"1 answer", "3 answers": a count with its noun in the right number."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def duration_words(seconds: int) -> str:
    """A wait as people say it: `45 s`, `7 min`, `2 h 5 min`, `3 d 4 h`."""
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{minutes} min"
    if seconds < 86400:
        rest = minutes % 60
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    rest = hours % 24
    return f"{days} d {rest} h" if rest else f"{days} d"


def as_code(text: str, limit: int = 40) -> str:
    """User text quoted back inside a `code span`: plain words, no backtick to break out of it,
    and Slack's control characters escaped (a person who typed `<!channel>` sent it escaped;
    quoted back unescaped it would be a mention)."""
    return escape(plain_text(text).replace("`", "'")[:limit])
