"""Scheduled work: shift summaries and daily digests will run here on APScheduler."""
