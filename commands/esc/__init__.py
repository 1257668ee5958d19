"""The /esc command, its modal, the reaction trigger, the message shortcut and the card buttons."""
