"""Access-table entries of the public discovery pages (issue 7); merged into tests/access.py."""

from tests.access_types import PUBLIC, Access


def _token(action: str):
    def kwargs() -> dict:
        from requests_app import alerts
        from requests_app.models import AlertSubscription

        subscription, _created = AlertSubscription.objects.get_or_create(
            email=f"zugriff-{action}@example.invalid", motion=None
        )
        return {"token": alerts.make_token(subscription, action)}

    return kwargs


ENTRIES: dict[str, Access] = {
    "ratsportal:search": Access(PUBLIC, query="?q=Sicherheit"),
    "requests_app:answer_statistics": Access(PUBLIC),
    "requests_app:answer_statistics_csv": Access(PUBLIC),
    "requests_app:feed_motions": Access(PUBLIC),
    "requests_app:feed_reports": Access(PUBLIC),
    "ratsportal:sitemap": Access(PUBLIC),
    "ratsportal:robots_txt": Access(PUBLIC),
    "requests_app:alert_subscribe": Access(PUBLIC),
    # GET shows the confirmation button; GET of the unsubscribe link unsubscribes (one click),
    # later accounts see "already unsubscribed": 200 for everybody.
    "requests_app:alert_confirm": Access(PUBLIC, kwargs=_token("confirm")),
    "requests_app:alert_unsubscribe": Access(PUBLIC, kwargs=_token("unsubscribe")),
}
