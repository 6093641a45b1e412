"""Every page, as every demo user, in Chinese: no English left over, no raw Python values.

The small demo district is built once per test process. For each demo login (edubureau.demo.services
.DEMO_USERNAMES) with Accept-Language zh-hans the walk requests:
  - every page of the user's navigation (the `nav` the context processor gives the home page), so a
    page added to the menu tomorrow is walked tomorrow;
  - from each of them, its action links (add, import, settings: links in the page header and in card
    headers) and the first row link of its table (a detail page), and from that detail page its action
    links (edit, history, delete, …);
  - what HTMX loads into those pages (hx-get of anything but a search box: menus, panels, edit rows);
  - each path once (the same page with other filters is not walked again); downloads are not followed.
It fails on a server error, and on what a user reads on those pages (text, and the title, placeholder,
aria-label and alt attributes; not <script>, <style>, <code> or <pre>, nor text marked as written in
another language, such as "English" in the language menu):
  (a) an English word that is not in ALLOWED (user data such as user names, e-mail addresses, file names
      and codes made of letters and digits is taken out first);
  (b) a raw Python value: "{'", "['", None, True, False;
  (c) an untranslated enum: the value or name of any TextChoices of the project, as a whole word.
Each failure names the role, the URL and the text around the offending word. A missing translation is
fixed in the catalogue (edubureau/locale/zh_Hans), never by adding the word to ALLOWED: see
docs/ui-language.md.
"""

import copy
import importlib
import re
from collections import defaultdict
from urllib.parse import urlsplit

import lxml.html
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse

from edubureau.accounts.models import User
from edubureau.demo.services import DEMO_USERNAMES

# Latin words a Chinese user reads as they are. Keep it short: each entry says why it stays English.
ALLOWED = {
    # names of formats, products and standards that Chinese software writes in Latin letters
    # (file names, and codes with digits such as SHA-256, UTF-8 or GB/T, are taken out before)
    "API", "Excel", "ECharts", "PDF", "HTMX", "URL", "CSV", "JSON", "XLSX", "xlsx", "docx", "csv",
    "Token", "EduBureau", "GBK", "GeoJSON", "Word", "LibreOffice", "Ctrl",
    # units of measure
    "KB", "MB",
    # abbreviations used in Chinese text as they are: identity, statistics, body measures
    "ID", "CV", "SD", "BMI", "QR", "KPI", "GB",
    # proper names of published algorithms, written in Latin letters in Chinese texts too; the name of
    # the lottery algorithm (edubureau-lottery-v1) is part of its public record
    "EARS", "Boston", "Fisher", "Yates", "edubureau", "lottery",
    # the HTTP header a program sends with its token ("Authorization: Token <令牌>")
    "Authorization",
}  # fmt: skip

# Raw Python values that must never reach a page.
RAW = re.compile(r"\{'|\['|\bNone\b|\bTrue\b|\bFalse\b")
WORD = re.compile(r"(?<![\w.@/-])[A-Za-z]+(?:'[a-z]+)?(?![\w@/-])")
# User data and codes: e-mail addresses, URLs and paths, file names, tokens mixing letters and digits.
NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|https?://\S+|(?<!\w)/[\w/.?=&%-]*"  # URLs and paths
    r"|[\w-]+\.(?:xlsx|xls|csv|docx|pdf|zip|txt)\b"  # file names
    r"|\b(?=[A-Za-z_-]*\d)(?=\d*[A-Za-z])[\w-]+\b",  # codes with letters and digits (G310112…, A1)
    re.IGNORECASE,
)
# A field code or other program identifier: person_household, full_share, NINE_YEAR.
IDENTIFIER = re.compile(r"(?<![\w.@/-])[A-Za-z]+(?:_[A-Za-z0-9]+)+(?![\w@/-])")
SEEN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
HIDDEN_TAGS = ("script", "style", "code", "pre", "template")
# Links a GET walk must not follow: downloads, logging out, switching the language.
SKIP_LINK = re.compile(
    r"export|download|\.xlsx|\.docx|\.csv|\.pdf|/xlsx/|/docx/|/logout|/i18n/|/api/|template=1|unmask=1|#"
)


def enum_words() -> set[str]:
    """The values and names of every TextChoices of the project that are ASCII identifiers."""
    words = set()
    todo = list(models.TextChoices.__subclasses__())
    while todo:
        choices = todo.pop()
        todo.extend(choices.__subclasses__())
        if not choices.__module__.startswith("edubureau."):
            continue
        for member in choices:
            for word in (member.value, member.name):
                if isinstance(word, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", word):
                    words.add(word)
    assert words, "no TextChoices found"
    return words


def visible_text(html) -> str:
    """What a user reads on a page (HTML text or a parsed copy): the text and the attributes a browser
    shows, line by line."""
    tree = lxml.html.document_fromstring(html) if isinstance(html, str) else copy.deepcopy(html)
    for element in list(tree.iter(*HIDDEN_TAGS)):
        element.drop_tree()  # its tail, the text after it, stays
    for element in tree.xpath("//body//*[@lang and not(starts-with(@lang, 'zh'))]"):
        element.drop_tree()  # written in another language on purpose: "English" in the language menu
    lines = []
    for element in tree.iter():
        if not isinstance(element.tag, str):  # a comment: only the text after it is seen
            if element.tail and element.tail.strip():
                lines.append(element.tail.strip())
            continue
        for attribute in SEEN_ATTRIBUTES:
            if element.get(attribute):
                lines.append(element.get(attribute))
        if element.tag == "input" and element.get("type") in ("submit", "button") and element.get("value"):
            lines.append(element.get("value"))
        if element.text and element.text.strip():
            lines.append(element.text.strip())
        if element.tail and element.tail.strip():
            lines.append(element.tail.strip())
    return "\n".join(lines)


def problems(text: str, user_data: set[str], enums: set[str]) -> list[str]:
    found = []
    for line in text.splitlines():
        for match in RAW.finditer(line):
            found.append(f"raw Python value {match.group()!r} in «{line[:160]}»")
        cleaned = NOT_WORDS.sub(" ", line)
        for word in user_data:
            if word in cleaned:
                cleaned = cleaned.replace(word, " ")
        for match in IDENTIFIER.finditer(cleaned):
            kind = "untranslated enum value" if match.group() in enums else "program identifier"
            found.append(f"{kind} {match.group()!r} in «{line[:160]}»")
        for match in WORD.finditer(cleaned):
            word = match.group()
            if word in ("None", "True", "False"):
                continue  # reported above
            if word in enums and word not in ALLOWED:
                found.append(f"untranslated enum value {word!r} in «{line[:160]}»")
            elif word not in ALLOWED and len(word) > 1:
                found.append(f"English word {word!r} in «{line[:160]}»")
    return found


ROW_LINKS = "//table//tbody//a[@href]"
ACTION_LINKS = " | ".join(
    f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]//a[@href]"
    for name in ("page-header", "card-actions")
)


# Parts of a page HTMX loads into it (a menu, a panel, an edit row); not the search boxes' answers.
FRAGMENT_LINKS = "//*[@hx-get][not(self::form or self::input or self::select or self::textarea)]"


def links_after(tree, xpath: str, here: str) -> list[str]:
    urls = []
    for a in tree.xpath(xpath):
        href = a.get("hx-get") or a.get("href") or ""
        path = urlsplit(href).path
        if not href.startswith("/") or SKIP_LINK.search(href) or path == urlsplit(here).path:
            continue
        urls.append(href)
    return urls


class Walk:
    """One user's walk: the pages met and the problems found on each."""

    def __init__(self, username, enums, user_data):
        self.username = username
        self.client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", raise_request_exception=False)
        self.client.force_login(User.objects.get(username=username))
        self.enums = enums
        self.user_data = user_data
        self.seen = set()
        self.failures = defaultdict(list)

    def get(self, url, fragment=False):
        path = urlsplit(url).path  # the same page with other filters (?year=, ?plan=) is walked once
        if path in self.seen:
            return None
        self.seen.add(path)
        response = self.client.get(url, headers={"HX-Request": "true"} if fragment else {})
        if response.status_code >= 500:
            self.failures[url].append(f"HTTP {response.status_code}")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return None
        if not response.content.strip():
            return None
        tree = lxml.html.document_fromstring(response.content.decode())
        for problem in problems(visible_text(tree), self.user_data, self.enums):
            self.failures[url].append(problem)
        for part in links_after(tree, FRAGMENT_LINKS, url):
            self.get(part, fragment=True)
        return tree, response

    def menu(self):
        response = self.client.get(reverse("home"))
        assert response.status_code == 200, (self.username, response.status_code)
        return [item["url"] for section in response.context["nav"] for item in section["items"]]

    def run(self):
        pages = self.menu()
        assert pages, f"{self.username} has no menu"
        for url in pages:
            got = self.get(url)
            if got is None:
                continue
            tree, _ = got
            for action in links_after(tree, ACTION_LINKS, url):
                self.get(action)  # add, import, settings …
            for detail in links_after(tree, ROW_LINKS, url)[:1]:
                got = self.get(detail)
                if got is None:
                    continue
                for action in links_after(got[0], ACTION_LINKS, detail):
                    self.get(action)  # edit, history, …
        return self


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("demo", scale="small", seed=1, verbosity=0)
        user_data = set(User.objects.values_list("username", flat=True)) | {
            word
            for name in User.objects.values_list("display_name", flat=True)
            for word in re.findall(r"[A-Za-z]+", name)
        }
        yield {"enums": enum_words(), "user_data": user_data}
        call_command("flush", interactive=False, verbosity=0)
        # The flush also empties what migrations seed (the cluster rules, the settings row), which the
        # worker's later tests expect to find.
        importlib.import_module("edubureau.health.migrations.0002_seed_rules").seed(django_apps, None)


def test_it_finds_english_raw_values_and_enums():
    enums = {"closed", "PRIMARY"}
    text = visible_text(
        "<html><head><title>首页</title><script>var x = 'Hello';</script></head><body>"
        "<p>Run allocation</p><p>{'person_household': '一致'}</p><p>状态：closed</p><p>PRIMARY</p>"
        "<p title='Open the report'>日报</p><p>条件：full_share</p><p><!-- a note -->Back</p><code>ignored words</code><p>导出 Excel · 用户 xiaoxue_admin"
        " · a@b.cn · students.xlsx · G310112201901010011</p></body></html>"
    )
    found = problems(text, {"xiaoxue_admin"}, enums)
    assert found == [
        "English word 'Run' in «Run allocation»",
        "English word 'allocation' in «Run allocation»",
        "raw Python value \"{'\" in «{'person_household': '一致'}»",
        "program identifier 'person_household' in «{'person_household': '一致'}»",
        "untranslated enum value 'closed' in «状态：closed»",
        "untranslated enum value 'PRIMARY' in «PRIMARY»",
        "English word 'Open' in «Open the report»",
        "English word 'the' in «Open the report»",
        "English word 'report' in «Open the report»",
        "program identifier 'full_share' in «条件：full_share»",
        "English word 'Back' in «Back»",
    ]


def test_it_knows_the_enums_of_the_project():
    words = enum_words()
    # values and names of ASCII choices (the change log's actions, an alert's kind, a calendar day's kind)
    assert {"create", "CREATE", "statistical", "STATISTICAL", "holiday", "HOLIDAY"} <= words
    # choices whose values are Chinese give their ASCII names only (学段 PRIMARY = "小学")
    assert "PRIMARY" in words and "小学" not in words
    assert all(type(w) is str for w in words)


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_it_shows_every_page_in_chinese(demo_district, username, db):
    walk = Walk(username, demo_district["enums"], demo_district["user_data"]).run()
    assert len(walk.seen) > 3
    report = [f"{username} {url}: {problem}" for url, found in walk.failures.items() for problem in found]
    assert not report, (
        f"{len(report)} problems on {len(walk.failures)} of {len(walk.seen)} pages:\n" + "\n".join(report)
    )
