"""Leads' reports: the daily digest with its chart, and shift summaries (`/digest`, `/shift`)."""
