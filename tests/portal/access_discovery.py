"""Access-table entries of the public discovery pages (issue 7); merged into tests/access.py."""

from tests.access_types import PUBLIC, Access


def _token(action: str):
    def kwargs() -> dict:
        from portal import alerts
        from portal.models import AlertSubscription

        subscription, _created = AlertSubscription.objects.get_or_create(
            email=f"zugriff-{action}@example.invalid", topic=AlertSubscription.REPORTS
        )
        return {"token": alerts.make_token(subscription, action)}

    return kwargs


ENTRIES: dict[str, Access] = {
    "portal:search": Access(PUBLIC, query="?q=Sicherheit"),
    "portal:answer_statistics": Access(PUBLIC),
    "portal:answer_statistics_csv": Access(PUBLIC),
    "portal:feed_motions": Access(PUBLIC),
    "portal:feed_reports": Access(PUBLIC),
    "portal:sitemap": Access(PUBLIC),
    "portal:robots_txt": Access(PUBLIC),
    "portal:alert_subscribe": Access(PUBLIC),
    # GET shows the confirmation button; GET of the unsubscribe link unsubscribes (one click),
    # later accounts see "already unsubscribed": 200 for everybody.
    "portal:alert_confirm": Access(PUBLIC, kwargs=_token("confirm")),
    "portal:alert_unsubscribe": Access(PUBLIC, kwargs=_token("unsubscribe")),
}
