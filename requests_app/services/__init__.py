"""The writes of requests_app, by topic: `motions` (drafting, the workflow, reminders) and
`reports` (answer reports: drafting, exhibits, review, publication, corrections)."""
