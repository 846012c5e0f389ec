"""The benchmark's post verdict comes from several rounds (bench/bench.py): the median round
decides, and no round's errors are lost on the way."""

from bench.bench import Endpoint, median_round


def wrk_result(rps: float, status_errors: int = 0, socket_errors: int = 0) -> dict:
    return {
        "rps": rps,
        "p50_us": rps,  # marks which round a latency came from
        "p99_us": rps,
        "status_errors": status_errors,
        "socket_errors": socket_errors,
    }


def test_the_median_round_decides_with_its_own_latencies():
    median = median_round([wrk_result(600), wrk_result(450), wrk_result(520)])

    assert median["rps"] == 520
    assert median["p50_us"] == median["p99_us"] == 520


def test_an_even_count_of_rounds_takes_the_lower_median():
    assert median_round([wrk_result(600), wrk_result(450)])["rps"] == 450


def test_errors_of_every_round_are_counted_not_only_the_median_rounds():
    rounds = [wrk_result(600, status_errors=2), wrk_result(450), wrk_result(520, socket_errors=1)]

    median = median_round(rounds)

    assert (median["status_errors"], median["socket_errors"]) == (2, 1)


def test_the_share_of_the_store_limit_is_the_median_of_each_rounds_share():
    post = Endpoint("POST 10x10", "/post")
    post.rounds = [
        (wrk_result(500), wrk_result(1000)),  # 50%
        (wrk_result(300), wrk_result(400)),  # 75%
        (wrk_result(600), wrk_result(1000)),  # 60%
    ]

    assert post.store_share == 0.6
