"""One router per page area (home/terms/try, account, contribute, review, releases, admin)."""
