"""core.caching: values remembered per process under a stamp in the shared (database) cache."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from edubureau.core import caching
from edubureau.core.caching import StampedMemory

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.calls


@pytest.fixture
def memory():
    """A memory renewed by changes of Group (a model nothing else here depends on); disconnected after."""
    memory = StampedMemory("test", depends_on=(Group,))
    yield memory
    for signal, suffix in ((post_save, "save"), (post_delete, "delete")):
        signal.disconnect(sender=Group, dispatch_uid=f"stamp-test-auth.Group-{suffix}")
    caching._DEPENDENTS.pop(Group, None)


def test_it_keeps_a_value_while_the_stamp_stays(memory):
    compute = Counter()
    assert [memory.get("k", compute), memory.get("k", compute)] == [1, 1]


def test_it_computes_again_after_a_change_of_a_model_it_depends_on(memory):
    compute = Counter()
    memory.get("k", compute)
    group = Group.objects.create(name="科室")
    assert memory.get("k", compute) == 2
    group.delete()
    assert memory.get("k", compute) == 3


def test_every_memory_of_the_name_sees_the_change(memory):
    """Two memories of one name stand for two processes: they share the stamp, not the values."""
    other = StampedMemory("test")
    first, second = Counter(), Counter()
    memory.get("k", first), other.get("k", second)
    memory.get("k", first), other.get("k", second)
    Group.objects.create(name="科室")  # saved in "this process"
    assert (memory.get("k", first), other.get("k", second)) == (2, 2)


def test_a_stamp_renewed_in_a_transaction_that_rolls_back_is_not_renewed(memory):
    compute = Counter()
    stamp = caching.read_stamp("test")
    memory.get("k", compute)
    with pytest.raises(RuntimeError), transaction.atomic():
        Group.objects.create(name="科室")
        assert caching.read_stamp("test") != stamp  # inside: the new stamp, with the change
        raise RuntimeError
    assert caching.read_stamp("test") == stamp
    assert memory.get("k", compute) == 1


def test_a_culled_stamp_means_computing_again_never_an_old_value(memory):
    compute = Counter()
    memory.get("k", compute)
    stamp = caching.read_stamp("test")
    cache.delete("stamp:test")  # culled (or evicted) from the shared cache
    assert memory.get("k", compute) == 2
    assert caching.read_stamp("test") not in (stamp, None)  # a new token, kept for the others
    assert memory.get("k", compute) == 2


def test_bulk_writes_renew_the_stamps_of_their_model(memory):
    compute = Counter()
    memory.get("k", compute)
    Group.objects.bulk_create([Group(name="科室")])  # no signal
    assert memory.get("k", compute) == 1
    caching.written(Group)  # what core.importing.insert_rows/update_rows call
    assert memory.get("k", compute) == 2


def test_a_pinned_block_reads_the_stamp_once(memory, django_assert_num_queries):
    memory.get("a", Counter())
    memory.get("b", Counter())
    with django_assert_num_queries(1), memory.pinned():
        memory.get("a", Counter())
        memory.get("b", Counter())
        with memory.pinned():  # nested: the outer stamp holds
            memory.get("a", Counter())


def test_values_expire_after_max_age(memory, monkeypatch):
    compute = Counter()
    memory.get("k", compute)
    monkeypatch.setattr(memory, "max_age", -1.0)
    assert memory.get("k", compute) == 2


def test_forget_drops_this_process_values_only(memory):
    compute = Counter()
    memory.get("k", compute)
    stamp = caching.read_stamp("test")
    memory.forget()
    assert memory.get("k", compute) == 2
    assert caching.read_stamp("test") == stamp


def test_the_shared_cache_is_a_table_of_the_database():
    assert "edubureau_cache" in connection.introspection.table_names()
