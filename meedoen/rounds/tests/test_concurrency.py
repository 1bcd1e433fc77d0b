"""Double submits on PostgreSQL: two coordinators (or two tabs) publishing the same round at
once create the placements once; the second is refused. Each thread has its own connection."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from meedoen.core.errors import ServiceError
from meedoen.core.policy import principal_for
from meedoen.placements.models import Placement, Source
from meedoen.rounds import services

from .factories import make_region_world, make_world


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["school", "region"])
def test_publishing_twice_at_once_publishes_once(personas, settings, kind):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    if kind == "school":
        rnd, actor = make_world(personas, status="closed").round, personas.coordinator
    else:  # the region round: the broker publishes for both schools at once
        rnd, actor = make_region_world(personas, status="closed").round, personas.broker
    run = services.round_run(actor=actor, round=rnd, mode="da")
    principal_for(actor)  # memberships read once, before the threads
    barrier = threading.Barrier(4)
    results: list[str] = []
    lock = threading.Lock()

    def attempt():
        translation.activate("en")
        try:
            barrier.wait()
            services.round_publish(actor=actor, round=rnd, run=run)
            outcome = "ok"
        except ServiceError:
            outcome = "refused"
        except Exception as exc:  # noqa: BLE001 - report anything unexpected
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"], results
    assert Placement.objects.filter(source=Source.MATCHING).count() == 4
