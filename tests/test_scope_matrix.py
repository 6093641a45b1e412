"""Every URL of the project, as every actor: nobody sees or changes data outside their scope.

The URLs come from the resolver, so a page or API route added tomorrow is tested tomorrow. Each
pattern is filled with an object of school A:
  - a pattern whose only parameter is `pk` gets the pk of school A's object of the view's model
    (`view_class.model`, or `queryset.model` for an API viewset);
  - any other parameters must be listed in FILLERS;
  - a pattern without parameters (lists, add pages, ...) is requested as it is.
A pattern the matrix cannot fill fails test_it_knows_how_to_fill_every_url_pattern, with the fix.

Then, for every actor in conftest and for anonymous visitors:
  - anonymous: redirected to the login page (401/403 under /api/), except the PUBLIC pages;
  - school B's administrator never gets 200 on a page or endpoint of one of school A's objects, and
    no page, export or API answer shows B any of A's student or staff names, ID numbers, phones or
    streets (and school A's users see none of B's);
  - school B's administrator POSTing (PUT/PATCH/DELETE for the API) a valid, altered form of A's
    objects gets 403/404/405 and the database does not change.
"""

import datetime
import importlib
import io
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
import xlsxwriter
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from python_calamine import CalamineWorkbook
from rest_framework.authtoken.models import Token

from edubureau.accounts.models import Department, User
from edubureau.core import changelog, context
from edubureau.core.idcodes import make_resident_id, mask_address, mask_id, mask_phone
from edubureau.core.models import AccessRecord, ChangeRecord, ImportJob
from edubureau.org.models import Campus, District, EduGroup, School, Zone
from edubureau.people.models import (
    CalendarDay,
    Gender,
    Guardian,
    Posting,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    Term,
)

# Pages anonymous visitors may open (everything else must send them to the login page).
PUBLIC = {
    "login",
    "logout",  # POST only; logging out when not logged in is harmless
    "set_language",
    "healthz",
    "api-token",  # exchanges a username and password for a token
}

# HTMX fragments (options of a select): they answer anonymous visitors 401/403 instead of a redirect,
# which would put the login page inside the select.
FRAGMENTS = {"people:class_options", "people:staff_options"}

# Patterns with parameters other than a single `pk` of the view's model:
# URL name -> (seed -> (kwargs for reverse(), owner: "a" when the object belongs to school A, else None)).
FILLERS = {
    "org:campus_add": lambda seed: ({"school_pk": seed.a[School].pk}, "a"),
    "org:school_history": lambda seed: ({"pk": seed.a[School].pk}, "a"),
    # An import job belongs to whoever uploaded it: here school A's administrator.
    "core:import_detail": lambda seed: ({"pk": seed.a[ImportJob].pk}, "a"),
    "core:import_confirm": lambda seed: ({"pk": seed.a[ImportJob].pk}, "a"),
    "core:import_errors": lambda seed: ({"pk": seed.a[ImportJob].pk}, "a"),
    "core:import_template": lambda seed: ({"kind": "students"}, None),
}

# The domain apps add their own objects and fillers in edubureau/<app>/tests/matrix.py:
#   FILLERS = {url name: lambda seed: (kwargs, owner)}          (optional)
#   PUBLIC = {url name, ...}    pages anonymous visitors may open, e.g. published lottery files (optional)
#   def seed(data: Seed, actors) -> None                         school A's and B's objects, into
#       data.a / data.b / data.shared, and the strings only A (or B) may see into data.secrets_a / _b
MATRIX_EXTENSIONS = [
    "edubureau.health.tests.matrix",
    "edubureau.admissions.tests.matrix",
    "edubureau.workplan.tests.matrix",
    "edubureau.equity.tests.matrix",
    "edubureau.notifications.tests.matrix",
]


def matrix_extensions():
    found = []
    for name in MATRIX_EXTENSIONS:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
    return found


for _extension in matrix_extensions():
    FILLERS.update(getattr(_extension, "FILLERS", {}))
    PUBLIC.update(getattr(_extension, "PUBLIC", ()))

# DRF's format-suffix twins (schools.json) serve the same view as the pattern without the suffix.
SUFFIX_PARAM = "format"

# Free-text fields the POST check alters, so that a successful edit would show in the database.
TAMPER_FIELDS = ("name", "short_name", "display_name", "principal", "address", "note", "place", "description")

# Tables that change on every request whatever the scope (sessions), or that only throttling uses.
UNWATCHED_TABLES = {"sessions.Session", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the routes --------------------------------------------------------------------------------


@dataclass
class Route:
    name: str
    route: str
    view: type | None
    params: frozenset

    @property
    def is_api(self):
        return self.route.startswith("api/")

    @property
    def model(self):
        model = getattr(self.view, "model", None)
        if model is None:
            model = getattr(getattr(self.view, "queryset", None), "model", None)
        return model


def _params(pattern):
    return set(pattern.regex.groupindex)  # route converters and regex groups alike


def all_routes():
    """Every URL pattern of the project, with its full name, route and parameters (recursively)."""
    found = []

    def walk(patterns, prefix, namespace, params):
        for p in patterns:
            here = params | _params(p.pattern)
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns, here)
                continue
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            view = getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)
            found.append(Route(name, prefix + str(p.pattern), view, frozenset(here)))

    walk(get_resolver().url_patterns, "", None, set())
    plain = {(r.name, r.params - {SUFFIX_PARAM}) for r in found if SUFFIX_PARAM not in r.params}
    # Drop the format-suffix twins whose plain pattern is tested anyway.
    return [
        r for r in found if SUFFIX_PARAM not in r.params or (r.name, r.params - {SUFFIX_PARAM}) not in plain
    ]


# --- the data ------------------------------------------------------------------------------------


@dataclass
class Seed:
    a: dict = field(default_factory=dict)  # model -> school A's object
    b: dict = field(default_factory=dict)
    shared: dict = field(default_factory=dict)  # model -> an object of no school
    secrets_a: set = field(default_factory=set)  # strings only school A's users (and the bureau) may see
    secrets_b: set = field(default_factory=set)

    def fill(self, route):
        """(kwargs, owner) for reverse(), or a message saying what the matrix is missing."""
        if route.name in FILLERS:
            return FILLERS[route.name](self)
        if not route.params:
            return {}, None
        if route.params != {"pk"}:
            return (
                f"{route.route} ({route.name}): parameters {sorted(route.params)} — add an entry to FILLERS"
            )
        model = route.model
        if model is None:
            return (
                f"{route.route} ({route.name}): the view has no `model` — set one or add an entry to FILLERS"
            )
        if model in self.a:
            return {"pk": self.a[model].pk}, "a"
        if model in self.shared:
            return {"pk": self.shared[model].pk}, None
        return (
            f"{route.route} ({route.name}): no {model.__name__} in the matrix's seed() — add school A's one"
        )


def seed_school(school, district, year, street, region, head, seq):
    """A zone, group, campus, class, teacher, two students and a guardian, all with telling names."""
    zone = Zone.objects.create(district=district, name=f"{head}学区")
    group = EduGroup.objects.create(district=district, name=f"{head}教育集团", lead_school=school)
    School.objects.filter(pk=school.pk).update(zone=zone, group=group)
    campus = Campus.objects.create(school=school, name=f"{head}东校区", address=f"上海市闵行区{street}8号")
    staff = Staff.objects.create(
        name=f"{head}王秀英", gender=Gender.FEMALE, birth_date=datetime.date(1985, 3, 4),
        id_number=make_resident_id(region, datetime.date(1985, 3, 4), seq, male=False), school=school,
        phone=f"1390000{region[-2:]}11",
    )  # fmt: skip
    school_class = SchoolClass.objects.create(
        school=school, school_year=year, grade=3, class_no=2, head_teacher=staff
    )
    students = []
    for n, name in ((1, "李明轩"), (2, "陈雨桐")):
        birth = datetime.date(2017, 5, n)
        id_number = make_resident_id(region, birth, seq + n, male=n == 1)
        students.append(
            Student.objects.create(
                name=f"{head}{name}", gender=Gender.MALE if n == 1 else Gender.FEMALE, birth_date=birth,
                id_number=id_number, student_no="G" + id_number, address=f"上海市闵行区{street}{n}号",
                school=school, school_class=school_class,
            )
        )  # fmt: skip
    guardian = Guardian.objects.create(
        student=students[0], name=f"{head}赵家长", relation="父亲", phone=f"1380000{region[-2:]}22"
    )
    posting = Posting.objects.create(
        staff=staff, kind=Posting.Kind.SUPPORT, place=f"{head}支教点", start_date=datetime.date(2025, 9, 1)
    )
    with context.acting(None, source="cli"):
        record = changelog.log_create(students[0])
    objects = {
        School: school, Zone: zone, EduGroup: group, Campus: campus, Staff: staff, SchoolClass: school_class,
        Student: students[0], Guardian: guardian, ChangeRecord: record, Posting: posting,
    }  # fmt: skip
    secrets = {
        street,
        staff.name,
        staff.id_number,
        mask_id(staff.id_number),
        staff.phone,
        mask_phone(staff.phone),
    }
    secrets |= {guardian.name, guardian.phone, mask_phone(guardian.phone)}
    for s in students:
        secrets |= {s.name, s.id_number, mask_id(s.id_number), s.student_no, s.address}
    assert all(street in mask_address(s.address) for s in students)  # so the street is a fair secret
    return objects, secrets


def seed_import_job(user, student, folder):
    """A checked import of `user` whose errors and error workbook name one of their students."""
    report = folder / f"errors-{user.pk}.xlsx"
    book = xlsxwriter.Workbook(report)
    book.add_worksheet("学生").write_row(0, 0, ["姓名", "证件号码", "错误"])
    book.worksheets()[0].write_row(1, 0, [student.name, student.id_number, "班号：不存在"])
    book.close()
    error = [2, "姓名", student.name, "班号 9 不存在"]  # row, column, value, message
    return ImportJob.objects.create(
        kind="students", user=user, filename="学生.xlsx", path=str(folder / "upload.xlsx"),
        status=ImportJob.Status.CHECKED, total_rows=1, error_count=1, errors=[error], error_report=str(report),
    )  # fmt: skip


@pytest.fixture
def seed(district, school_year, school_a, school_b, actors, tmp_path):
    data = Seed()
    data.a, data.secrets_a = seed_school(school_a, district, school_year, "甲子路", "310112", "甲校", 10)
    data.b, data.secrets_b = seed_school(school_b, district, school_year, "乙丑路", "310104", "乙校", 30)
    assert not data.secrets_a & data.secrets_b
    data.a[User] = actors["school_a_clerk"]
    data.b[User] = actors["school_b_admin"]
    data.a[ImportJob] = seed_import_job(actors["school_a_admin"], data.a[Student], tmp_path)
    data.b[ImportJob] = seed_import_job(actors["school_b_admin"], data.b[Student], tmp_path)
    term = Term.objects.create(
        school_year=school_year,
        number=1,
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2026, 1, 20),
    )
    calendar_day = CalendarDay.objects.create(
        date=datetime.date(2025, 10, 1), kind=CalendarDay.Kind.HOLIDAY, name="国庆节"
    )
    access = AccessRecord.objects.create(
        user=actors["admin"], user_name="admin", kind=AccessRecord.Kind.EXPORT, what="学生"
    )
    data.shared = {
        District: district, SchoolYear: school_year, Term: term, CalendarDay: calendar_day,
        Department: actors["department"].department, AccessRecord: access,
    }  # fmt: skip
    for extension in matrix_extensions():
        extension.seed(data, actors)
    assert not data.secrets_a & data.secrets_b
    return data


# --- requests ------------------------------------------------------------------------------------


def clients_for(actors):
    """A logged-in client per actor for pages, and its API token for /api/."""
    result = {}
    for key, user in actors.items():
        client = Client(raise_request_exception=False)  # report every failing URL, not the first
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        result[key] = (client, Token.objects.create(user=user).key)
    return result


def fetch(client, route, url, token=None, method="get", data=None):
    headers = {"Authorization": f"Token {token}"} if token and route.is_api else {}
    if route.is_api and method in ("put", "patch", "post"):
        return getattr(client, method)(
            url, json.dumps(data), content_type="application/json", headers=headers
        )
    if method == "post":
        return client.post(url, data or {}, headers=headers)
    return getattr(client, method)(url, headers=headers)


def text_of(response):
    """What a person could read in the response: the page, the JSON, or the cells of an .xlsx."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.headers.get("Content-Type", "")
    if kind.startswith(XLSX):
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        cells = []
        for name in book.sheet_names:
            for row in book.get_sheet_by_name(name).to_python():
                cells.extend(str(c) for c in row)
        return "\n".join(cells)
    if "json" in kind:
        try:
            return json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            pass
    return content.decode("utf-8", errors="replace")


def error_of(response):
    exc_info = getattr(response, "exc_info", None)
    return repr(exc_info[1]) if exc_info else ""


def leaked(response, secrets):
    text = text_of(response)
    return sorted(s for s in secrets if s in text)


def plan(seed):
    """[(route, url, owner)] for every route, and the problems with the ones that cannot be filled."""
    rows, problems = [], []
    for route in all_routes():
        filled = seed.fill(route)
        if isinstance(filled, str):
            problems.append(filled)
            continue
        kwargs, owner = filled
        rows.append((route, reverse(route.name, kwargs=kwargs), owner))
    return rows, problems


# --- the tests -----------------------------------------------------------------------------------


def test_it_knows_how_to_fill_every_url_pattern(seed):
    rows, problems = plan(seed)
    unnamed = [r.route for r in all_routes() if not r.name]
    assert not unnamed, f"URL patterns without a name cannot be tested by the scope matrix: {unnamed}"
    assert not problems, (
        "The scope matrix (tests/test_scope_matrix.py) does not know how to fill these URL patterns:\n  "
        + "\n  ".join(problems)
    )
    assert len(rows) > 20


def test_it_sends_anonymous_visitors_to_the_login_page(seed):
    client = Client(raise_request_exception=False)
    login_url = reverse(settings.LOGIN_URL)
    wrong = []
    for route, url, _ in plan(seed)[0]:
        response = client.get(url)
        if route.name in PUBLIC:
            ok = response.status_code < 500 and not leaked(response, seed.secrets_a | seed.secrets_b)
        elif route.is_api or route.name in FRAGMENTS:
            ok = response.status_code in (401, 403)
        else:
            ok = response.status_code == 302 and response.url.startswith(login_url)
        if not ok:
            wrong.append(f"{url} ({route.name}): {response.status_code} {error_of(response)}")
    assert not wrong, "Anonymous visitors reach pages they should not:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize(
    "actor", ["admin", "leader", "department", "school_a_admin", "school_a_clerk", "school_b_admin"]
)
def test_it_shows_each_actor_only_what_is_in_their_scope(seed, actors, actor):
    client, token = clients_for({actor: actors[actor]})[actor]
    foreign = {
        "school_b_admin": seed.secrets_a,
        "school_a_admin": seed.secrets_b,
        "school_a_clerk": seed.secrets_b,
    }
    secrets = foreign.get(actor, set())
    wrong = []
    for route, url, owner in plan(seed)[0]:
        response = fetch(client, route, url, token)
        status = response.status_code
        if status >= 500:
            wrong.append(f"{url} ({route.name}): server error {status} {error_of(response)}")
            continue
        if actor == "admin" and owner == "a" and status not in (200, 302, 405):
            # The administrator may do everything: anything else means the matrix filled the URL wrongly.
            wrong.append(f"{url} ({route.name}): the administrator gets {status} — check the matrix's object")
        if actor == "school_b_admin" and owner == "a" and status not in (403, 404, 405):
            wrong.append(f"{url} ({route.name}): school B gets {status} on school A's object")
        found = leaked(response, secrets)
        if found:
            wrong.append(f"{url} ({route.name}): shows {found}")
        if secrets and not route.params and status == 200 and getattr(route.view, "filterset_class", None):
            # Lists again, asking for the other school outright and for unmasked values.
            other = seed.a[School] if actor == "school_b_admin" else seed.b[School]
            query = {"school": other.pk, "org": other.code, "school_code": other.code, "unmask": "1"}
            found = leaked(fetch(client, route, f"{url}?{urlencode(query)}", token), secrets)
            if found:
                wrong.append(f"{url}?school={other.pk} ({route.name}): shows {found}")
    assert not wrong, f"As {actor}:\n  " + "\n  ".join(wrong)


def test_it_lets_school_b_change_nothing_of_school_a(seed, actors):
    clients = clients_for({"admin": actors["admin"], "school_b_admin": actors["school_b_admin"]})
    (admin, admin_token), (intruder, token) = clients["admin"], clients["school_b_admin"]
    targets = [(route, url) for route, url, owner in plan(seed)[0] if owner == "a"]
    # Valid submissions first, as the administrator would send them, altered where a change would show.
    payloads = {url: altered(payload_for(admin, admin_token, route, url)) for route, url in targets}
    before = database()
    wrong = []
    for route, url in targets:
        methods = ("put", "patch", "delete", "post") if route.is_api else ("post",)
        for method in methods:
            response = fetch(intruder, route, url, token, method, payloads[url])
            if response.status_code not in (403, 404, 405):
                wrong.append(f"{method.upper()} {url} ({route.name}): {response.status_code}")
    changed = [label for label, rows in database().items() if rows != before[label]]
    assert not wrong, "School B's administrator was not refused:\n  " + "\n  ".join(wrong)
    assert not changed, f"School B's requests changed {changed}"


# --- helpers of the POST check ------------------------------------------------------------------------


class FormParser(HTMLParser):
    """The fields of each <form method="post"> of a page: {action: {name: value or [values]}}."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = [], None, None, None
        self.first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = (a.get("action") or "", {}) if (a.get("method") or "").lower() == "post" else None
            if self.current:
                self.forms.append(self.current)
        if self.current is None or not a.get("name") and tag != "option":
            return
        fields = self.current[1]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.setdefault(a["name"], []).append(a.get("value") or "on")
                return
            fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select, self.first_option = a["name"], None
            fields.setdefault(self.select, [])
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = a.get("value") or ""
            if "selected" in a:
                fields[self.select].append(a.get("value") or "")
        elif tag == "textarea":
            self.textarea = a["name"]
            fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select:
            # As a browser does: a select without a selected option submits its first option.
            if not self.current[1][self.select] and self.first_option is not None:
                self.current[1][self.select].append(self.first_option)
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.current is not None and self.textarea:
            self.current[1][self.textarea] += data


def payload_for(client, token, route, url):
    """What the page's own form (or the API object) holds for the administrator."""
    response = fetch(client, route, url, token)
    if response.status_code != 200:
        return {}
    if route.is_api:
        if "json" not in response.headers.get("Content-Type", ""):
            return {}  # the OpenAPI description, a download: nothing to submit
        data = json.loads(response.content)
        return (
            {k: v for k, v in data.items() if not isinstance(v, dict | list)}
            if isinstance(data, dict)
            else {}
        )
    if not response.headers.get("Content-Type", "").startswith("text/html"):
        return {}  # a download: nothing to submit
    parser = FormParser()
    parser.feed(response.content.decode())
    for action, fields in parser.forms:
        if action in ("", url, "."):
            return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in fields.items()}
    return {}


def altered(payload):
    result = {}
    for key, value in payload.items():
        if key in TAMPER_FIELDS and isinstance(value, str) and value:
            value = f"{value}改"
        elif "password" in key:
            value = "Matrix-Pass2026"
        result[key] = value
    return result


def database():
    """Every row of every table the requests could touch."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.label not in UNWATCHED_TABLES and model._meta.managed
    }
