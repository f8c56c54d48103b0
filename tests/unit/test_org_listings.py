"""The shared listing of existing entities: one read for many look-ups, and nothing made meanwhile missed."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from genesys_api.testing import client_for_tests
from lifecycle.listings import Listing

API = client_for_tests()  # never called: the listing passes the client through to its reader untouched


@dataclass(frozen=True)
class Thing:
    id: str
    name: str


class Org:
    """What the reader returns, per key, and how often it was asked."""

    def __init__(self, **things: list[Thing]) -> None:
        self.things = things
        self.reads: list[str] = []
        self.during_read = lambda: None
        self._lock = threading.Lock()

    def list_all(self, _api: object, key: str) -> list[Thing]:
        with self._lock:
            self.reads.append(key)
        listed = list(self.things.get(key, []))
        self.during_read()
        return listed


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def named(name: str):
    return lambda thing: thing.name == name


def test_concurrent_look_ups_of_one_key_share_one_read():
    org = Org(g1=[Thing(f"id{i}", f"n{i}") for i in range(32)])
    org.during_read = lambda: time.sleep(0.05)  # every thread asks while the first read is under way
    listing = Listing(org.list_all)
    with ThreadPoolExecutor(32) as pool:
        found = list(pool.map(lambda i: listing.find(API, "g1", named(f"n{i}")), range(32)))
    assert [None if t is None else t.id for t in found] == [f"id{i}" for i in range(32)]
    assert org.reads == ["g1"]


def test_each_key_is_read_once():
    org = Org(g1=[Thing("a", "x")], g2=[Thing("b", "x")])
    listing = Listing(org.list_all)
    assert listing.find(API, "g1", named("x")) == Thing("a", "x")
    assert listing.find(API, "g2", named("x")) == Thing("b", "x")
    assert listing.find(API, "g1", named("x")) == Thing("a", "x")
    assert org.reads == ["g1", "g2"]


def test_a_miss_in_a_read_made_for_this_look_up_is_the_answer():
    org = Org(g1=[Thing("a", "x")])
    listing = Listing(org.list_all, clock=Clock())
    assert listing.find(API, "g1", named("missing")) is None
    assert org.reads == ["g1"]


def test_a_miss_in_an_earlier_read_reads_again_and_finds_what_was_made_since():
    org = Org(g1=[Thing("a", "x")])
    listing = Listing(org.list_all, clock=Clock())
    listing.find(API, "g1", named("x"))
    org.things["g1"].append(Thing("b", "made-elsewhere"))
    assert listing.find(API, "g1", named("made-elsewhere")) == Thing("b", "made-elsewhere")
    assert listing.find(API, "g1", named("x")) == Thing("a", "x")  # the new read serves the others too
    assert org.reads == ["g1", "g1"]


def test_what_this_process_writes_is_found_without_a_read_and_what_it_deletes_is_not():
    org = Org(g1=[Thing("a", "x")])
    listing = Listing(org.list_all, clock=Clock())
    listing.find(API, "g1", named("x"))
    listing.remember("g1", Thing("new", "created-here"))
    assert listing.find(API, "g1", named("created-here")) == Thing("new", "created-here")
    listing.remember("g1", Thing("a", "renamed"))
    assert listing.find(API, "g1", named("renamed")) == Thing("a", "renamed")
    assert org.reads == ["g1"]
    listing.forget("new")
    assert listing.find(API, "g1", named("created-here")) is None  # looked again: the org has no such one
    assert org.reads == ["g1", "g1"]


def test_a_write_that_ends_during_a_read_is_kept_over_what_the_read_saw():
    """The read may have fetched the entity before our write changed it: the write's reply is newer."""
    org = Org(g1=[Thing("a", "old-name"), Thing("b", "to-delete")])
    listing = Listing(org.list_all, clock=Clock())

    def written_meanwhile() -> None:
        org.things["g1"] = [Thing("a", "new-name")]
        listing.remember("g1", Thing("a", "new-name"))
        listing.forget("b")

    org.during_read = written_meanwhile
    assert listing.find(API, "g1", named("old-name")) is None
    assert listing.find(API, "g1", named("new-name")) == Thing("a", "new-name")
    assert org.reads == ["g1"]
    assert listing.find(API, "g1", named("to-delete")) is None
    assert org.reads == ["g1", "g1"]  # not in the listing: looked again (the org has none either)


def test_a_write_before_any_read_is_not_lost():
    org = Org(g1=[])
    listing = Listing(org.list_all, clock=Clock())
    listing.remember("g1", Thing("new", "created-here"))  # nothing listed yet: the read will hold it
    org.things["g1"].append(Thing("new", "created-here"))
    assert listing.find(API, "g1", named("created-here")) == Thing("new", "created-here")


def test_a_failed_read_is_not_kept():
    calls = []

    def failing_once(_api: object, key: str) -> list[Thing]:
        calls.append(key)
        if len(calls) == 1:
            raise RuntimeError("the API refused")
        return [Thing("a", "x")]

    listing = Listing(failing_once)
    with pytest.raises(RuntimeError, match="refused"):
        listing.find(API, "g1", named("x"))
    assert listing.find(API, "g1", named("x")) == Thing("a", "x")


def test_reset_forgets_every_listing():
    org = Org(g1=[Thing("a", "x")])
    listing = Listing(org.list_all)
    listing.find(API, "g1", named("x"))
    listing.reset()
    listing.find(API, "g1", named("x"))
    assert org.reads == ["g1", "g1"]
