"""Background work: the start-up card repair now; shift summaries and daily digests (APScheduler) next."""
