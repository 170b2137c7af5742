"""Logging in: lockout, two-factor, the login page."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client, override_settings

from comptoir.core.identity.access import TOTP_ENROLL_SESSION_KEY
from comptoir.core.identity.models import LoginFailure, Role
from comptoir.core.identity.services import login_check, totp_disable, totp_enable, totp_setup
from comptoir.core.kernel.errors import Conflict, NotAuthenticated

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _token(client: Client, **body):
    return client.post(
        "/api/v1/auth/token", {"name": "cli", **body}, content_type="application/json"
    )


@override_settings(COMPTOIR_LOGIN_MAX_FAILURES=5)
def test_lockout_after_five_failures(user_for):
    user_for("sales")
    client = Client()
    for _ in range(5):
        assert _token(client, username="sales", password="wrong").status_code == 401
    answer = _token(client, username="sales", password=PASSWORD)
    assert answer.status_code == 429
    assert answer.json()["code"] == "account_locked"
    assert LoginFailure.objects.filter(username="sales").count() == 5


@override_settings(COMPTOIR_LOGIN_LOCKOUT_SECONDS=900)
def test_old_failures_do_not_lock(user_for):
    import datetime as dt

    from django.utils import timezone

    user_for("sales")
    old = timezone.now() - dt.timedelta(seconds=901)
    LoginFailure.objects.bulk_create([LoginFailure(username="sales", at=old) for _ in range(9)])
    assert login_check(username="sales", password=PASSWORD).username == "sales"


def test_unknown_user_is_just_bad_credentials(db):
    with pytest.raises(NotAuthenticated) as exc:
        login_check(username="ghost", password="x")
    assert exc.value.code == "invalid_credentials"


def test_totp_flow(user_for):
    user = user_for("sales")
    setup = totp_setup(actor=user)
    assert setup["uri"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(setup["secret"])
    totp_enable(actor=user, code=totp.now())

    with pytest.raises(NotAuthenticated) as exc:
        login_check(username="sales", password=PASSWORD)
    assert exc.value.code == "totp_required"
    with pytest.raises(NotAuthenticated) as exc:
        login_check(username="sales", password=PASSWORD, totp_code="000000")
    assert exc.value.code == "totp_invalid"
    assert login_check(username="sales", password=PASSWORD, totp_code=totp.now()) == user

    answer = _token(Client(), username="sales", password=PASSWORD)
    assert answer.status_code == 401
    assert answer.json()["code"] == "totp_required"
    answer = _token(Client(), username="sales", password=PASSWORD, totp_code=totp.now())
    assert answer.status_code == 201

    totp_disable(actor=user, code=totp.now())
    assert login_check(username="sales", password=PASSWORD) == user


def test_role_requiring_totp(user_for):
    Role.objects.filter(code="sales").update(requires_totp=True)
    user = user_for("sales")
    with pytest.raises(NotAuthenticated) as exc:
        login_check(username="sales", password=PASSWORD)
    assert exc.value.code == "totp_required"
    # The login page lets them in, only to enrol.
    assert login_check(username="sales", password=PASSWORD, allow_enrollment=True) == user
    setup = totp_setup(actor=user)
    totp_enable(actor=user, code=pyotp.TOTP(setup["secret"]).now())
    with pytest.raises(Conflict):
        totp_disable(actor=user, code=pyotp.TOTP(setup["secret"]).now())


def test_login_page(user_for):
    user_for("sales")
    client = Client()
    assert client.get("/login/").status_code == 200
    answer = client.post("/login/", {"username": "sales", "password": "wrong"})
    assert answer.status_code == 401
    assert b"Wrong username or password" in answer.content
    answer = client.post(
        "/login/", {"username": "sales", "password": PASSWORD, "next": "/profile/"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/profile/"


@override_settings(COMPTOIR_LOGIN_MAX_FAILURES=2)
def test_login_page_shows_lockout(user_for):
    user_for("sales")
    client = Client()
    for _ in range(2):
        client.post("/login/", {"username": "sales", "password": "wrong"})
    answer = client.post("/login/", {"username": "sales", "password": PASSWORD})
    assert answer.status_code == 429
    assert b"data-locked" in answer.content


def test_login_page_refuses_external_next(user_for):
    user_for("sales")
    answer = Client().post(
        "/login/", {"username": "sales", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert answer["Location"] == "/"


def test_enrolment_is_forced_on_pages(user_for):
    Role.objects.filter(code="sales").update(requires_totp=True)
    user_for("sales")
    client = Client()
    answer = client.post("/login/", {"username": "sales", "password": PASSWORD})
    assert answer["Location"] == "/profile/"
    assert client.session[TOTP_ENROLL_SESSION_KEY] is True
    assert client.get("/companies/")["Location"] == "/profile/"
    assert client.get("/api/v1/auth/me").json()["code"] == "totp_setup_required"
    page = client.post("/profile/totp/setup/")
    secret = page.context["totp_secret"]
    client.post("/profile/totp/enable/", {"code": pyotp.TOTP(secret).now()})
    assert TOTP_ENROLL_SESSION_KEY not in client.session
    assert client.get("/companies/").status_code == 200


def test_logout_is_post_only(page_client, user_for):
    client = page_client(user_for("sales"))
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/profile/").status_code == 302
