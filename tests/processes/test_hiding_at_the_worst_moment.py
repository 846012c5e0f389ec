"""Hidden means gone, also at the worst moment (issue 22): against gunicorn with two workers
and a real memcached, a teacher hides a grid through the admin while another request is
drawing it cold, or while memcached stalls, and no process serves it once the hide is done."""

import os
import random
import re
import signal
import threading
import time

import requests

from grids.management.commands.createteacher import create_teacher
from tests.factories import make_grid
from tests.processes.gunicorn import site_environment, start_gunicorn

PASSWORD = "a-long-class-password-42"
REQUEST_TIMEOUT = 10


def two_worker_site(memcached_address: str | None = None):
    env = site_environment()
    if memcached_address:
        env["MEMCACHED_SERVERS"] = memcached_address
    return start_gunicorn(extra_args=("--workers", "2", "--threads", "2"), env=env)


def teacher_session(site) -> requests.Session:
    create_teacher("ms.frizzle", PASSWORD)
    session = requests.Session()
    session.get(f"{site.url}/admin/login/", timeout=REQUEST_TIMEOUT)
    signed_in = session.post(
        f"{site.url}/admin/login/",
        data={
            "username": "ms.frizzle",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        timeout=REQUEST_TIMEOUT,
    )
    assert signed_in.url.endswith("/admin/"), "the teacher could not sign in"
    return session


def hide_in_the_admin(site, session: requests.Session, grid) -> requests.Response:
    """The teacher's hide action, to the page the admin answers with (its messages)."""
    return session.post(
        f"{site.url}/admin/grids/grid/",
        data={
            "action": "hide_grids",
            "_selected_action": [grid.pk],
            "apply": "1",
            "reason": "Spam or advertising",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=30,
    )


def statuses_of(url: str, seconds: float, pollers: int = 3) -> list[tuple[float, int]]:
    """(time, status) of GETs from several fresh connections, as fast as they come."""
    seen: list[tuple[float, int]] = []
    deadline = time.monotonic() + seconds

    def poll():
        while time.monotonic() < deadline:
            response = requests.get(url, timeout=REQUEST_TIMEOUT)
            seen.append((time.monotonic(), response.status_code))

    threads = [threading.Thread(target=poll) for _ in range(pollers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


def random_colour_blocks(side: int) -> list:
    colours = random.Random(22)
    return [
        [[colours.randrange(256) for _ in range(3)] + [4] for _ in range(side)] for _ in range(side)
    ]


def test_a_hide_during_a_cold_build_leaves_nothing_servable(shared_database):
    site = two_worker_site()
    try:
        session = teacher_session(site)
        for attempt in range(3):
            grid = make_grid(width=300, height=300, blocks=random_colour_blocks(300))
            page = f"{site.url}/{grid.public_id}"
            cold = threading.Thread(target=requests.get, args=(page,), kwargs={"timeout": 30})
            cold.start()
            time.sleep(0.05 * attempt)  # the hide lands at another point of the build each time
            hidden = hide_in_the_admin(site, session, grid)
            assert hidden.status_code == 200, hidden.status_code
            after = statuses_of(page, seconds=1.5) + statuses_of(
                f"{site.url}/get/{grid.public_id}", seconds=0.5
            )
            cold.join()
            assert {status for _, status in after} <= {404, 410}, attempt
    finally:
        site.stop()


def test_a_hide_while_memcached_stalls_takes_effect_soon_after_it_answers(
    shared_database, private_memcached
):
    site = two_worker_site(private_memcached.address)
    try:
        grid = make_grid()
        page = f"{site.url}/{grid.public_id}"
        session = teacher_session(site)
        assert {status for _, status in statuses_of(page, seconds=0.5)} == {200}  # warm

        memcached_pid = private_memcached.process.pid
        os.kill(memcached_pid, signal.SIGSTOP)
        try:
            hidden = hide_in_the_admin(site, session, grid)
            time.sleep(1)
        finally:
            os.kill(memcached_pid, signal.SIGCONT)
        answered_again = time.monotonic()

        assert hidden.status_code == 200
        assert re.search(r"The cache is not answering, so 1 of these grid\(s\)", hidden.text)
        # pymemcache leaves a server that failed alone for a few seconds (ipbsite/settings.py,
        # dead_timeout), so the hide is given ten to take effect, then must hold.
        seen = statuses_of(page, seconds=14)
        served_late = [at - answered_again for at, status in seen if status == 200]
        assert all(status in (200, 404, 410) for _, status in seen)
        assert not [at for at in served_late if at > 10], max(served_late)
    finally:
        site.stop()
