"""The method's settings: read by everyone with the module, changed only by the bureau, logged."""

import pytest
from django.urls import reverse

from edubureau.core.models import ChangeRecord
from edubureau.equity.models import EquitySettings
from edubureau.equity.services import settings_of

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {
        "min_reached": 6, "floor_share": "0.85", "backbone_honours": "区级骨干、市级骨干", "pe_art_subjects": "体育、音乐、美术",
        "small_site_students": 50, "kg_public_target": "0.5", "kg_inclusive_target": "0.8",
        "cv_小学": "0.5", "cv_初中": "0.45", "levels_小学": ["专科", "本科"], "levels_初中": ["本科"],
    }  # fmt: skip
    for part, values in EquitySettings().standards.items():
        for code, value in values.items():
            data[f"std_{part}_{code}"] = value
    return {**data, **changes}


def test_the_bureau_changes_a_standard_and_the_change_is_logged(login, inspector):
    response = login(inspector).post(
        reverse("equity:settings"), form_data(**{"std_初中_i5": "11", "floor_share": "0.9"})
    )
    assert response.status_code == 302
    saved = EquitySettings.load()
    assert saved.standards_for("初中")["i5"] == 11 and float(saved.floor_share) == 0.9
    assert saved.qualified_levels_for("初中") == ["本科"]
    assert settings_of().standards["初中"]["i5"] == 11
    assert ChangeRecord.objects.filter(object_id=str(saved.pk), user_name="dudao").exists()


def test_it_refuses_a_negative_standard(login, inspector):
    response = login(inspector).post(reverse("equity:settings"), form_data(**{"std_小学_i4": "-1"}))
    assert response.status_code == 200 and not EquitySettings.objects.exists()


def test_schools_read_but_do_not_change_the_rules(login, school_a_admin):
    client = login(school_a_admin)
    page = client.get(reverse("equity:settings")).content.decode()
    assert "4.5" in page and 'type="submit" class="btn btn-primary"' not in page
    assert client.post(reverse("equity:settings"), form_data()).status_code == 403
    assert not EquitySettings.objects.exists()
