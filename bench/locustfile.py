"""The page benchmark's load (bench/pages.py): every user GETs one path again and again.

    BENCH_PATH=/en/ BENCH_EXPECT=200 BENCH_RESULT=var/bench/locust.json \\
        .venv/bin/locust -f bench/locustfile.py --headless -u 4 -r 100 --run-time 4s \\
        --reset-stats --host http://127.0.0.1:8765

BENCH_EXPECT is the only status counted a success (a 304 for a conditional GET, which
locust would otherwise take for one too); BENCH_HEADERS, a JSON object, is optional.
BENCH_RESULT receives the totals once the users have stopped (locust's CSV is a snapshot
taken every second, not the final count), with the share of a core locust itself used:
it runs on the cores it measures, and its own CPU warning samples only every 10 s.
"""

import json
import os
import time

from locust import FastHttpUser, constant, events, task

PATH = os.environ["BENCH_PATH"]
EXPECT = int(os.environ.get("BENCH_EXPECT", "200"))
HEADERS = json.loads(os.environ.get("BENCH_HEADERS") or "{}")
STARTED = {}


class Visitor(FastHttpUser):
    wait_time = constant(0)

    @task
    def get(self):
        with self.client.get(PATH, headers=HEADERS, catch_response=True) as response:
            if response.status_code == EXPECT:
                response.success()
            else:
                response.failure(f"status {response.status_code}, expected {EXPECT}")


@events.test_start.add_listener
def note_start(**_kwargs):
    STARTED.update(cpu=time.process_time(), wall=time.perf_counter())


@events.test_stop.add_listener
def write_result(environment, **_kwargs):
    if not os.environ.get("BENCH_RESULT"):
        return
    cpu = (time.process_time() - STARTED["cpu"]) / (time.perf_counter() - STARTED["wall"])
    total = environment.stats.total
    result = {
        # From the stats' reset (every user spawned: --reset-stats) to the last answer.
        "per_second": total.total_rps,
        "requests": total.num_requests,
        "failures": total.num_failures,
        "median_ms": total.median_response_time,
        "client_cpu": cpu,
        "errors": {
            str(error.error): error.occurrences for error in environment.stats.errors.values()
        },
    }
    with open(os.environ["BENCH_RESULT"], "w") as file:
        json.dump(result, file)
