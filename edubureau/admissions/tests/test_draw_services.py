import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from edubureau.admissions import lottery
from edubureau.admissions.models import Application, Draw, DrawEntry, StageKind
from edubureau.admissions.services import campaigns, draws
from edubureau.admissions.services.applications import register, required_documents, verify

from .conftest import open_stages, registration

SEED = "20260601-3-5-2-6-1-4"


def verified(campaign, user, n, **kw):
    apps = [register(campaign, registration(**kw), user=user) for _ in range(n)]
    return [verify(a, user=user, passed=True, documents=required_documents(a)) for a in apps]


@pytest.fixture
def lottery_campaign(open_campaign, school_p, admin_user):
    verified(open_campaign, admin_user, 5, private=[school_p])
    open_stages(open_campaign, StageKind.PRIVATE_LOTTERY)
    return open_campaign


def test_it_draws_only_when_applicants_exceed_places(open_campaign, school_p, admin_user):
    verified(open_campaign, admin_user, 3, private=[school_p])
    open_stages(open_campaign, StageKind.PRIVATE_LOTTERY)
    with pytest.raises(ValidationError, match="未超过名额，不需要摇号"):
        draws.publish_private_draw(open_campaign, school_p, admin_user)
    assert len(draws.private_admissions(open_campaign)) == 3


def test_publishing_needs_the_lottery_stage(open_campaign, school_p, admin_user):
    verified(open_campaign, admin_user, 5, private=[school_p])
    with pytest.raises(campaigns.StageClosed, match="民办录取"):
        draws.publish_private_draw(open_campaign, school_p, admin_user)


def test_it_publishes_numbers_and_hash_then_draws_exactly_as_the_algorithm(
    lottery_campaign, school_p, admin_user
):
    draw = draws.publish_private_draw(lottery_campaign, school_p, admin_user)
    numbers = sorted(Application.objects.values_list("number", flat=True))
    assert draw.applicants == numbers and draw.list_hash == lottery.list_hash(numbers)
    assert draw.seed == "" and draw.order == []
    drawn = draws.perform_draw(draw, SEED, admin_user, witnesses="公证员 张三")
    expected = lottery.draw(numbers, SEED)
    assert drawn.order == expected.order
    assert drawn.record_hash == lottery.record_hash("", expected)
    entries = list(DrawEntry.objects.filter(draw=drawn).order_by("rank"))
    assert [e.application.number for e in entries] == expected.order
    assert [e.admitted for e in entries] == [True, True, True, False, False]
    admitted = draws.private_admissions(lottery_campaign)
    assert {Application.objects.get(pk=pk).number for pk in admitted} == set(expected.order[:3])


def test_a_drawn_lottery_cannot_be_redrawn_changed_or_deleted(lottery_campaign, school_p, admin_user):
    draw = draws.perform_draw(
        draws.publish_private_draw(lottery_campaign, school_p, admin_user), SEED, admin_user
    )
    with pytest.raises(ValidationError, match="不能重摇"):
        draws.perform_draw(draw, "another seed", admin_user)
    draw.seed = "another seed"
    with pytest.raises(PermissionDenied, match="已封存"):
        draw.save()
    with pytest.raises(PermissionDenied, match="已封存"):
        draw.delete()
    entry = DrawEntry.objects.filter(draw=draw).first()
    entry.rank = 99
    with pytest.raises(PermissionDenied):
        entry.save()
    assert Draw.objects.get(pk=draw.pk).seed == SEED


def test_the_database_refuses_an_update_of_a_drawn_lottery(lottery_campaign, school_p, admin_user):
    draw = draws.perform_draw(
        draws.publish_private_draw(lottery_campaign, school_p, admin_user), SEED, admin_user
    )
    with pytest.raises(Exception, match="已封存"):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {Draw._meta.db_table} SET seed = 'x' WHERE id = %s", [draw.pk])


def test_draws_form_a_chain_that_check_chain_recomputes(lottery_campaign, school_p, admin_user):
    first = draws.perform_draw(
        draws.publish_private_draw(lottery_campaign, school_p, admin_user), SEED, admin_user
    )
    open_stages(lottery_campaign, StageKind.PUBLIC_ADMIT)
    tie = draws.assign_lottery_numbers(lottery_campaign, "dice:6,6,1", admin_user)
    assert tie.previous_hash == first.record_hash and tie.sequence == first.sequence + 1
    assert draws.check_chain() == []
    numbers = dict(Application.objects.values_list("number", "lottery_number"))
    assert sorted(numbers.values()) == [1, 2, 3, 4, 5]
    assert [n for n, _ in sorted(numbers.items(), key=lambda kv: kv[1])] == tie.order


def test_the_published_files_verify_with_the_cli(lottery_campaign, school_p, admin_user, tmp_path):
    from django.core.management import call_command

    draw = draws.perform_draw(
        draws.publish_private_draw(lottery_campaign, school_p, admin_user), SEED, admin_user
    )
    (tmp_path / "LIST.csv").write_text(draws.list_csv(draw), encoding="utf-8")
    (tmp_path / "ORDER.csv").write_text(draws.order_csv(draw), encoding="utf-8")
    call_command(
        "admissions", "verify-lottery", "--applicants", str(tmp_path / "LIST.csv"), "--seed", SEED,
        "--order", str(tmp_path / "ORDER.csv"),
    )  # fmt: skip


def test_an_empty_seed_is_refused(lottery_campaign, school_p, admin_user):
    draw = draws.publish_private_draw(lottery_campaign, school_p, admin_user)
    with pytest.raises(ValidationError, match="公开种子"):
        draws.perform_draw(draw, "  ", admin_user)
