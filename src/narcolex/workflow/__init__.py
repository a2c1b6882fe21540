"""Use cases of the collection workflow (users, tokens, submissions, review, releases, comments,
audit): each a function taking a Session and an acting user, called alike by the CLI, the HTTP
API and the web pages, so that no interface holds business rules of its own."""
