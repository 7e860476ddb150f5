"""Services hold the rules and commit; routes parse, call a service and serialise."""
