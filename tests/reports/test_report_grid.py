import pytest

from grids.models import Grid, GridState, Report

pytestmark = pytest.mark.django_db


def report(client, grid, reason="hurtful", details="", address="10.0.0.1", prefix=""):
    return client.post(
        f"{prefix}/{grid.public_id}/report",
        {"reason": reason, "details": details},
        REMOTE_ADDR=address,
    )


def test_every_grid_page_links_to_its_report_form(client, make_grid):
    public, secret = make_grid(), make_grid(secret=True)

    assert (
        f'href="/{public.public_id}/report"' in client.get(f"/{public.public_id}").content.decode()
    )
    secret_page = client.get(f"/secret/{secret.public_id}").content.decode()
    assert f'href="/secret/{secret.public_id}/report"' in secret_page


def test_report_form_offers_the_reasons_and_a_csrf_token(client, make_grid):
    grid = make_grid()

    html = client.get(f"/{grid.public_id}/report").content.decode()

    assert 'name="csrfmiddlewaretoken"' in html
    for value, _ in Report.Reason.choices:
        assert f'value="{value}"' in html


def test_a_report_is_stored_anonymously_and_thanked(client, make_grid):
    grid = make_grid()

    response = report(client, grid, details="mean words in row 2")

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    stored = Report.objects.get()
    assert (stored.grid, stored.reason, stored.details) == (grid, "hurtful", "mean words in row 2")
    assert "10.0.0.1" not in stored.reporter
    assert len(stored.reporter) == 32


def test_a_secret_grid_can_be_reported_at_its_secret_address(client, make_grid):
    grid = make_grid(secret=True)

    assert report(client, grid, prefix="/secret").status_code == 200
    assert report(client, grid).status_code == 404
    assert Report.objects.count() == 1


def test_report_without_a_csrf_token_is_refused(make_grid):
    from django.test import Client

    grid = make_grid()
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(f"/{grid.public_id}/report", {"reason": "spam"})

    assert response.status_code == 403
    assert Report.objects.count() == 0


def test_report_with_an_unknown_reason_shows_the_form_again(client, make_grid):
    grid = make_grid()

    response = report(client, grid, reason="boring")

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Report.objects.count() == 0


def test_hidden_grid_cannot_be_reported(client, make_grid):
    grid = make_grid(state=GridState.HIDDEN)

    assert report(client, grid).status_code == 404


def test_one_address_cannot_flood_reports(client, make_grid, settings):
    settings.IPB_THROTTLE_REPORTS = "3/hour"
    grid = make_grid()

    statuses = [report(client, grid).status_code for _ in range(5)]
    other_address = report(client, grid, address="10.0.0.2").status_code

    assert statuses == [200, 200, 200, 429, 429]
    assert other_address == 200
    assert Report.objects.count() == 4


def test_throttled_report_says_when_to_retry(client, make_grid, settings):
    settings.IPB_THROTTLE_REPORTS = "1/hour"
    grid = make_grid()
    report(client, grid)

    response = report(client, grid)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600


def test_reports_never_hide_a_grid_by_default(client, make_grid):
    grid = make_grid()

    for number in range(5):
        report(client, grid, address=f"10.0.0.{number}")

    grid.refresh_from_db()
    assert grid.state == GridState.PUBLISHED


def test_grid_is_hidden_after_reports_from_enough_distinct_addresses(client, make_grid, settings):
    settings.IPB_AUTO_HIDE_AFTER_REPORTS = 3
    grid = make_grid()

    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):
        report(client, grid, address=address)
    grid.refresh_from_db()
    assert grid.state == GridState.PUBLISHED  # two distinct visitors so far

    report(client, grid, reason="spam", address="10.0.0.3")

    grid.refresh_from_db()
    assert grid.state == GridState.HIDDEN
    assert grid.hidden_by is None
    assert grid.hidden_by_the_site is True
    assert (
        grid.hidden_reason == "Hidden automatically after reports from 3 visitors (hurtful, spam)."
    )
    assert Report.objects.filter(resolved_at=None).count() == 4  # left for a teacher to review
    assert client.get(f"/get/{grid.public_id}").status_code == 404


def test_a_teachers_decision_resolves_the_open_reports(make_grid, django_user_model):
    teacher = django_user_model.objects.create_user("t")
    grid = make_grid()
    grid.record_report(reason="spam", details="", reporter="a")

    Grid.objects.filter(pk=grid.pk).hide(by=teacher, reason="Spam")

    assert Report.objects.get().resolved_at is not None


def test_reports_from_behind_a_trusted_proxy_count_the_real_address(client, make_grid, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.IPB_THROTTLE_REPORTS = "1/hour"
    grid = make_grid()

    def via_proxy(student_address):
        return client.post(
            f"/{grid.public_id}/report",
            {"reason": "spam"},
            REMOTE_ADDR="192.0.2.1",  # the proxy
            HTTP_X_FORWARDED_FOR=f"203.0.113.9, {student_address}",
        ).status_code

    assert [via_proxy("10.1.1.1"), via_proxy("10.1.1.2"), via_proxy("10.1.1.1")] == [200, 200, 429]
