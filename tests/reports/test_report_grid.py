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


def test_the_report_form_chooses_no_reason_for_the_visitor(client, make_grid):
    grid = make_grid()

    html = client.get(f"/{grid.public_id}/report").content.decode()

    assert "checked" not in html
    assert "---------" not in html
    assert 'value=""' not in html


def test_the_report_form_shows_the_grids_picture(client, make_grid):
    grid = make_grid()

    html = client.get(f"/{grid.public_id}/report").content.decode()

    assert 'src="data:image/png;base64,' in html
    assert f"Grid {grid.public_id}, the one you are reporting" in html


def test_a_report_without_a_reason_says_to_choose_one(client, make_grid):
    grid = make_grid()

    response = client.post(f"/{grid.public_id}/report", {"details": "rude"})

    assert response.status_code == 400
    assert "Choose what is wrong with this grid." in response.content.decode()
    assert Report.objects.count() == 0


@pytest.mark.parametrize("prefix", ["", "/secret"])
def test_a_report_is_thanked_at_its_own_address_so_a_reload_never_sends_it_again(
    client, make_grid, prefix
):
    grid = make_grid(secret=bool(prefix))

    response = report(client, grid, prefix=prefix)
    thanks = f"{prefix}/{grid.public_id}/report/sent"
    reloads = [client.get(thanks) for _ in range(3)]

    assert response.status_code == 303
    assert response["Location"] == thanks
    assert all(reload.status_code == 200 for reload in reloads)
    assert "Thank you" in reloads[0].content.decode()
    assert Report.objects.count() == 1


def test_the_thanks_of_a_hidden_grid_is_not_found(client, make_grid):
    grid = make_grid(state=GridState.HIDDEN)

    assert client.get(f"/{grid.public_id}/report/sent").status_code == 404


def test_a_further_report_from_the_same_address_adds_its_note_to_the_open_one(client, make_grid):
    grid = make_grid()

    report(client, grid, details="mean words in row 2")
    again = report(client, grid, reason="personal", details="and a phone number")
    report(client, grid, address="10.0.0.2", details="from another school")

    assert again.status_code == 303  # thanked the same
    first, other = Report.objects.order_by("created_at")
    assert first.reason == "hurtful"
    assert first.details == (
        "mean words in row 2\n\n(Shows someone's personal information) and a phone number"
    )
    assert other.details == "from another school"


def test_a_report_after_a_teachers_decision_is_a_new_one(client, make_grid, django_user_model):
    grid = make_grid()
    report(client, grid, details="first")
    teacher = django_user_model.objects.create_user("t")
    Grid.objects.filter(pk=grid.pk).hide(by=teacher, reason="Looked at it")
    Grid.objects.filter(pk=grid.pk).unhide(by=teacher)

    report(client, grid, details="again")

    assert Report.objects.count() == 2


def test_a_report_is_stored_anonymously_and_thanked(client, make_grid):
    grid = make_grid()

    response = report(client, grid, details="mean words in row 2")

    assert response.status_code == 303
    assert "Thank you" in client.get(response["Location"]).content.decode()
    stored = Report.objects.get()
    assert (stored.grid, stored.reason, stored.details) == (grid, "hurtful", "mean words in row 2")
    assert "10.0.0.1" not in stored.reporter
    assert len(stored.reporter) == 32


def test_a_secret_grid_can_be_reported_at_its_secret_address(client, make_grid):
    grid = make_grid(secret=True)

    assert report(client, grid, prefix="/secret").status_code == 303
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

    assert statuses == [303, 303, 303, 429, 429]
    assert other_address == 303
    # The first address's three are one open report, with their notes (none here).
    assert Report.objects.count() == 2


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
    # Left for a teacher to review: one open report per address.
    assert Report.objects.filter(resolved_at=None).count() == 3
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

    assert [via_proxy("10.1.1.1"), via_proxy("10.1.1.2"), via_proxy("10.1.1.1")] == [303, 303, 429]
