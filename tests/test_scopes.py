"""Every Web API method the bot calls has its bot scope in the manifest: in Slack a missing one
fails only when that call is made (`missing_scope`), often on a rare path like a lost answer."""

import json
import re

from bot.app_factory import declared_surface
from bot.manifest import build_manifest
from tests.harness import REPO

METHODS_PATH = REPO.parent / "shared" / "slack" / "methods.json"
CODE = ("bot", "commands", "jobs", "storage")
CALL = re.compile(r"\.((?:auth|bots|chat|conversations|files|reactions|team|usergroups|users|views)_\w+)\(")
SDK_HELPERS = {"files_upload_v2": ("files.getUploadURLExternal", "files.completeUploadExternal")}

# Slack's bot scopes of each method the bot calls (methods.json), narrowed to the conversations
# the bot works in: public and private channels, and direct messages with one person.
BOT_SCOPES = {
    "auth.test": (),
    "chat.delete": ("chat:write",),
    "chat.getPermalink": (),
    "chat.postEphemeral": ("chat:write",),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    # cards and copies in channels, and direct messages: a post answered 500 is looked for before it is sent again
    "conversations.history": ("channels:history", "groups:history", "im:history"),
    "conversations.info": ("channels:read", "groups:read"),
    "conversations.join": ("channels:join",),
    "conversations.list": ("channels:read", "groups:read"),
    "conversations.members": ("channels:read", "groups:read"),
    "conversations.open": ("im:write",),
    "conversations.replies": ("channels:history", "groups:history"),
    "files.completeUploadExternal": ("files:write",),
    "files.getUploadURLExternal": ("files:write",),
    "reactions.add": ("reactions:write",),
    "usergroups.users.list": ("usergroups:read",),
    "users.info": ("users:read",),
    "views.open": (),
    "views.publish": (),
}


def called_methods() -> dict[str, set[str]]:
    """{Slack method: the files calling it}, from `client.chat_postMessage(`-style calls."""
    found: dict[str, set[str]] = {}
    for folder in CODE:
        for path in (REPO / folder).rglob("*.py"):
            for name in CALL.findall(path.read_text()):
                for method in SDK_HELPERS.get(name, (name.replace("_", "."),)):
                    found.setdefault(method, set()).add(str(path.relative_to(REPO)))
    return found


def test_every_method_called_is_known_and_the_manifest_asks_for_its_scopes():
    called = called_methods()
    assert {"chat.postMessage", "conversations.history", "views.open", "files.completeUploadExternal"} <= set(called)
    unknown = {method: files for method, files in called.items() if method not in BOT_SCOPES}
    assert not unknown, f"add Slack's bot scopes of these methods to BOT_SCOPES: {unknown}"
    granted = set(build_manifest(declared_surface())["oauth_config"]["scopes"]["bot"])
    missing = {method: sorted(set(BOT_SCOPES[method]) - granted) for method in called
               if set(BOT_SCOPES[method]) - granted}
    assert not missing, f"the manifest lacks scopes these calls need: {missing}"


def test_the_scopes_listed_are_slacks_own():
    methods = json.loads(METHODS_PATH.read_text())["methods"]
    for method, scopes in BOT_SCOPES.items():
        slack = methods[method]["docs_slack_dev"].get("scope", {}).get("bot", [])
        assert set(scopes) <= set(slack), method
        assert bool(scopes) == bool(slack), f"{method}: Slack lists bot scopes {slack}"
