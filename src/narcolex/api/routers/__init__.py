"""One router per area of the API (scan, knowledge, collection, review, releases, admin,
health)."""
