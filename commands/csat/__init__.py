"""Customer satisfaction: `/csat`, and the survey DM sent to the requester when a case is resolved."""
