"""Every people page for every standard actor: 200 where the role may, 403 where the role may
not act at all, 404 for another school's records."""

import pytest
from django.urls import reverse

ACTORS = ["admin", "leader", "department", "school_a_admin", "school_a_clerk", "school_b_admin"]

# url name, object fixture (None: no pk), then the expected status per actor in ACTORS order
PAGES = [
    ("people:student_list", None, [200, 200, 200, 200, 200, 200]),
    ("people:student_export", None, [200, 200, 200, 200, 403, 200]),
    ("people:student_add", None, [200, 403, 200, 200, 200, 200]),
    ("people:student_detail", "student_a", [200, 200, 200, 200, 200, 404]),
    ("people:student_edit", "student_a", [200, 403, 200, 200, 200, 404]),
    ("people:student_status", "student_a", [200, 403, 200, 200, 200, 404]),
    ("people:student_delete", "student_a", [200, 403, 200, 200, 403, 404]),
    ("people:duplicates", None, [200, 403, 200, 403, 403, 403]),
    ("people:class_list", None, [200, 200, 200, 200, 200, 200]),
    ("people:class_export", None, [200, 200, 200, 200, 403, 200]),
    ("people:class_add", None, [200, 403, 200, 200, 403, 200]),
    ("people:class_detail", "class_a", [200, 200, 200, 200, 200, 404]),
    ("people:class_edit", "class_a", [200, 403, 200, 200, 403, 404]),
    ("people:staff_list", None, [200, 200, 200, 200, 200, 200]),
    ("people:staff_export", None, [200, 200, 200, 200, 403, 200]),
    ("people:staff_add", None, [200, 403, 200, 200, 403, 200]),
    ("people:staff_detail", "staff_a", [200, 200, 200, 200, 200, 404]),
    ("people:staff_edit", "staff_a", [200, 403, 200, 200, 403, 404]),
    ("people:schoolyear_list", None, [200, 200, 200, 200, 200, 200]),
    ("people:schoolyear_add", None, [200, 403, 200, 403, 403, 403]),
    ("people:schoolyear_detail", "school_year", [200, 200, 200, 200, 200, 200]),
    ("people:schoolyear_edit", "school_year", [200, 403, 200, 403, 403, 403]),
    ("people:calendarday_list", None, [200, 200, 200, 200, 200, 200]),
    ("people:calendarday_add", None, [200, 403, 200, 403, 403, 403]),
    ("people:term_add", None, [200, 403, 200, 403, 403, 403]),
]


@pytest.mark.parametrize("who", ACTORS)
def test_it_answers_each_actor_as_the_roles_allow(request, login, actors, student_a, class_a, staff_a, who):
    client = login(actors[who])
    column = ACTORS.index(who)
    got, expected = {}, {}
    for name, fixture, statuses in PAGES:
        url = reverse(name, args=[request.getfixturevalue(fixture).pk] if fixture else [])
        got[name], expected[name] = client.get(url).status_code, statuses[column]
    assert got == expected
