"""The /incident command: notices drafted in a card's thread, broadcast, followed up and resolved."""
