"""Nothing sent to a logged-in user is kept by a browser or proxy (issue 11, finding 8): every page,
API answer, export and HTMX fragment of the scope matrix's routes says `Cache-Control: no-store`.
Anonymous answers (the login page, the published lottery files, healthz) keep their own caching."""

from django.test import Client

from . import test_scope_matrix
from .test_scope_matrix import PUBLIC, XLSX, clients_for, error_of, fetch, plan

seed = test_scope_matrix.seed  # the matrix's fixture: school A's and B's objects of every app


def cache_control(response):
    return {part.strip().split("=")[0] for part in response.headers.get("Cache-Control", "").split(",")}


def test_it_forbids_storing_every_answer_to_a_logged_in_user(seed, actors):
    client, token = clients_for({"admin": actors["admin"]})["admin"]
    answered, kinds, wrong = 0, set(), []
    for route, url, _owner in plan(seed)[0]:
        for headers in ({}, {"HX-Request": "true"}):
            response = fetch(client, route, url, token) if not headers else client.get(url, headers=headers)
            if response.status_code != 200:
                continue
            answered += 1
            kinds.add(response.headers.get("Content-Type", "").split(";")[0])
            if "no-store" not in cache_control(response) or response.headers.get("Pragma") != "no-cache":
                kind = response.headers.get("Content-Type", "")
                wrong.append(
                    f"{url} ({route.name}, {kind}{', HTMX' if headers else ''}): "
                    f"Cache-Control {response.headers.get('Cache-Control')!r} {error_of(response)}"
                )
            if route.is_api:
                break  # HTMX asks for pages, not for the API
    assert answered > 100 and {"text/html", "application/json", XLSX, "text/csv"} <= kinds, kinds
    assert not wrong, "Answers to a logged-in user that a cache may keep:\n  " + "\n  ".join(wrong)


def test_it_leaves_the_caching_of_anonymous_pages_alone(seed):
    client, checked = Client(), []
    for route, url, _owner in plan(seed)[0]:
        if route.name not in PUBLIC or route.name == "login":  # Django's LoginView is never_cache of its own
            continue
        response = client.get(url)
        if response.status_code == 200:
            checked.append(route.name)
            assert "no-store" not in cache_control(response) and "Pragma" not in response.headers, url
    assert "healthz" in checked and "admissions:public_draw_list" in checked


def test_it_forbids_storing_the_token_answer_of_the_api(actors):
    token = clients_for({"leader": actors["leader"]})["leader"][1]
    response = Client().get("/api/org/schools/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and "no-store" in cache_control(response)
