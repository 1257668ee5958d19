"""Who and what exists in the stand-in workspace: team, users, channels, user groups.

The records here are plain data; `*_object` functions render them in the
shapes the Slack Web API returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEAM_ID = "T0SUPPORT"
TEAM_NAME = "Supportbot Demo"
TEAM_DOMAIN = "supportbot-demo"
APP_ID = "A0SUPPORT"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
BOT_NAME = "supportbot"
BOT_SCOPES = (
    "app_mentions:read,channels:history,channels:read,chat:write,commands,"
    "groups:read,im:write,reactions:read,reactions:write,usergroups:read,users:read"
)

_CREATED = 1700000000


@dataclass
class User:
    id: str
    name: str
    real_name: str
    is_bot: bool = False
    deleted: bool = False
    bot_id: str | None = None
    app_id: str | None = None

    @property
    def email(self) -> str | None:
        if self.is_bot:
            return None
        return f"{self.name}@{TEAM_DOMAIN}.example.com"


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    im_user: str | None = None
    created: int = _CREATED
    purpose: str = ""
    members: set[str] = field(default_factory=set)
    is_archived: bool = False

    @property
    def is_im(self) -> bool:
        return self.im_user is not None


@dataclass
class UserGroup:
    id: str
    handle: str
    name: str
    users: list[str]


HUMANS = (
    ("U0AGENT1", "ana.agent", "Ana Agent"),
    ("U0AGENT2", "bo.agent", "Bo Agent"),
    ("U0SPEC1", "sam.specialist", "Sam Specialist"),
    ("U0ENG1", "eli.engineer", "Eli Engineer"),
    ("U0ENG2", "eva.engineer", "Eva Engineer"),
    ("U0LEAD1", "lea.lead", "Lea Lead"),
)

CHANNELS = (
    ("C0GENERAL", "general", "Company-wide announcements"),
    ("C0HELP", "help", "Ask for help here"),
    ("C0SUPL1", "support-l1", "First-line support"),
    ("C0SUPL2", "support-l2", "Second-line support"),
    ("C0ENGESC", "eng-escalations", "Escalations to engineering"),
    ("C0LEADS", "support-leads", "Support leads"),
    ("C0STATUS", "status", "Service status and incident notices"),
)


def default_users() -> list[User]:
    users = [
        User(BOT_USER_ID, BOT_NAME, "Supportbot", is_bot=True, bot_id=BOT_ID, app_id=APP_ID),
        User("U0OTHERBOT", "otherbot", "Other Bot", is_bot=True, bot_id="B0OTHER", app_id="A0OTHER"),
        User("U0GONE", "gone.person", "Gone Person", deleted=True),
    ]
    users += [User(uid, name, real_name) for uid, name, real_name in HUMANS]
    return users


def default_channels(member_ids: list[str]) -> list[Channel]:
    return [
        Channel(cid, name, purpose=purpose, members=set(member_ids))
        for cid, name, purpose in CHANNELS
    ]


def default_usergroups() -> list[UserGroup]:
    return [
        UserGroup("S0ENGINEERS", "engineers", "Engineers", ["U0ENG1", "U0ENG2"]),
        UserGroup("S0LEADS", "leads", "Support leads", ["U0LEAD1", "U0SPEC1"]),
    ]


def user_object(user: User) -> dict:
    profile = {
        "title": "",
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "first_name": user.real_name.split(" ")[0],
        "last_name": " ".join(user.real_name.split(" ")[1:]),
        "status_text": "",
        "status_emoji": "",
        "avatar_hash": "g" + user.id[-6:].lower(),
        "image_48": f"https://avatars.example.com/{user.id}_48.png",
        "image_72": f"https://avatars.example.com/{user.id}_72.png",
        "team": TEAM_ID,
    }
    if user.email:
        profile["email"] = user.email
    if user.is_bot:
        profile.update({"bot_id": user.bot_id, "api_app_id": user.app_id, "always_active": True})
    return {
        "id": user.id,
        "team_id": TEAM_ID,
        "name": user.name,
        "deleted": user.deleted,
        "color": "9f69e7",
        "real_name": user.real_name,
        "tz": "Europe/Amsterdam",
        "tz_label": "Central European Time",
        "tz_offset": 3600,
        "profile": profile,
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": _CREATED,
        "is_email_confirmed": not user.is_bot,
    }


def channel_object(channel: Channel) -> dict:
    if channel.is_im:
        return {
            "id": channel.id,
            "created": channel.created,
            "is_im": True,
            "is_org_shared": False,
            "user": channel.im_user,
            "is_user_deleted": False,
            "priority": 0,
        }
    return {
        "id": channel.id,
        "name": channel.name,
        "is_channel": not channel.is_private,
        "is_group": channel.is_private,
        "is_im": False,
        "is_mpim": False,
        "is_private": channel.is_private,
        "created": channel.created,
        "is_archived": channel.is_archived,
        "is_general": channel.name == "general",
        "unlinked": 0,
        "name_normalized": channel.name,
        "is_shared": False,
        "is_org_shared": False,
        "is_ext_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
        "context_team_id": TEAM_ID,
        "updated": channel.created * 1000,
        "parent_conversation": None,
        "creator": "U0LEAD1",
        "shared_team_ids": [TEAM_ID],
        "is_member": BOT_USER_ID in channel.members,
        "num_members": len(channel.members),
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": channel.purpose, "creator": "U0LEAD1", "last_set": channel.created},
        "previous_names": [],
    }


def usergroup_object(group: UserGroup) -> dict:
    return {
        "id": group.id,
        "team_id": TEAM_ID,
        "is_usergroup": True,
        "is_subteam": True,
        "name": group.name,
        "description": "",
        "handle": group.handle,
        "is_external": False,
        "date_create": _CREATED,
        "date_update": _CREATED,
        "date_delete": 0,
        "auto_type": None,
        "created_by": "U0LEAD1",
        "updated_by": "U0LEAD1",
        "deleted_by": None,
        "prefs": {"channels": [], "groups": []},
        "users": list(group.users),
        "user_count": len(group.users),
    }


def auth_test_object() -> dict:
    return {
        "url": f"https://{TEAM_DOMAIN}.slack.com/",
        "team": TEAM_NAME,
        "user": BOT_NAME,
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }
