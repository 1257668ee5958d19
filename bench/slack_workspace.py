"""Where the benchmark plays: the stand-in workspace's people and channels it uses, and the app's signing secret.

The channel IDs are the stand-in's (standin.directory); app.yaml names line 1's queue `#support-l1`.
"""

SIGNING_SECRET = "bench-signing-secret"
REQUESTER = ("U0AGENT1", "ana.agent")
ORIGIN_CHANNEL = ("C0HELP", "help")  # where the commands are typed, and where the first card appears
QUEUE_CHANNEL = ("C0SUPL1", "support-l1")  # line 1's queue, where every new escalation's second card appears
CARD_CHANNELS = (ORIGIN_CHANNEL, QUEUE_CHANNEL)
