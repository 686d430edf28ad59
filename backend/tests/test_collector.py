"""A running worker keeps its startup objects out of the garbage collector's passes (the
p99 pauses they caused: see sluice/collector.py), and gives them back when it stops."""

import gc

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_a_started_app_freezes_its_startup_objects_until_it_stops(app: FastAPI) -> None:
    before = gc.get_freeze_count()
    with TestClient(app) as client:
        assert client.get("/health/ready").status_code == 200
        frozen = gc.get_freeze_count()
        assert frozen > before + 10_000, (before, frozen)
    assert gc.get_freeze_count() == before
