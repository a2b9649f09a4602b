"""Sign-in, sign-out, throttling and sessions."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.identity.throttle import PAIR_LIMIT as LOGIN_FAILURE_LIMIT
from tests.integration.conftest import csrf_token, sign_in


async def test_demo_specialist_lands_on_specialist_page(client, demo) -> None:
    response = await sign_in(client, "penza-specialist")
    assert response.status_code == 302
    landing = await client.get("/", follow_redirects=False)
    assert landing.headers["location"] == "/o/penza/specialist"
    page = await client.get("/o/penza/specialist")
    assert page.status_code == 200
    assert "Смирнова Анна Петровна" in page.text
    assert "Администрация города Пензы" in page.text


async def test_every_demo_login_lands_on_its_role_page(app: Litestar, demo) -> None:
    from app.demo.seed import demo_logins

    for login in demo_logins():
        async with AsyncTestClient(app=app) as client:
            assert (await sign_in(client, login)).status_code == 302
            landing = await client.get("/", follow_redirects=False)
            expected_role = "admin" if login == "admin" else login.split("-", 1)[1]
            assert landing.headers["location"].endswith(f"/{expected_role}"), login
            assert (await client.get(landing.headers["location"])).status_code == 200


async def test_wrong_password_and_unknown_login_get_one_generic_message(client, demo) -> None:
    wrong = await sign_in(client, "penza-head", "not-the-password")
    unknown = await sign_in(client, "nobody-here", "otklik-demo")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Неверный логин или пароль." in response.text
    assert (await client.get("/o/penza/head", follow_redirects=False)).status_code == 302


async def test_sixth_failure_within_window_is_throttled_even_with_right_password(
    client, demo
) -> None:
    for _ in range(LOGIN_FAILURE_LIMIT):
        assert (await sign_in(client, "parfino-head", "wrong")).status_code == 401
    blocked = await sign_in(client, "parfino-head")
    assert blocked.status_code == 429
    assert "Слишком много неудачных попыток входа" in blocked.text
    assert "15 мин" in blocked.text
    # Another login from the same address is not affected.
    assert (await sign_in(client, "parfino-official")).status_code == 302


async def test_throttle_window_expiry_lets_the_user_in_again(client, demo, redis) -> None:
    for _ in range(LOGIN_FAILURE_LIMIT):
        await sign_in(client, "penza-official", "wrong")
    assert (await sign_in(client, "penza-official")).status_code == 429
    # The window is a Redis TTL; expire it as 15 minutes passing would.
    for key in await redis.keys("otklik:login-*"):
        await redis.expire(key, 0)
    assert (await sign_in(client, "penza-official")).status_code == 302


async def test_post_without_csrf_token_is_refused(client, demo) -> None:
    await client.get("/login")
    response = await client.post(
        "/login", data={"login": "penza-head", "password": "otklik-demo"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert (await client.get("/o/penza/head", follow_redirects=False)).status_code == 302


async def test_logout_ends_the_session(client, demo) -> None:
    await sign_in(client, "penza-head")
    assert (await client.get("/o/penza/head")).status_code == 200
    token = await csrf_token(client)
    response = await client.post("/logout", headers={"x-csrftoken": token}, follow_redirects=False)
    assert response.headers["location"] == "/login"
    assert (await client.get("/o/penza/head", follow_redirects=False)).status_code == 302


async def test_session_id_changes_at_sign_in(client, demo) -> None:
    planted = "a" * 64
    client.cookies.set("otklik_session", planted, domain="testserver.local", path="/")
    await sign_in(client, "penza-head")
    values = [c.value for c in client.cookies.jar if c.name == "otklik_session"]
    assert values and planted not in values
    assert (await client.get("/o/penza/head")).status_code == 200


async def test_next_parameter_is_followed_only_within_the_site(client, demo) -> None:
    token = await csrf_token(client)
    for target, expected in (("/o/penza/head", "/o/penza/head"), ("//evil.example", "/")):
        response = await client.post(
            "/login",
            data={
                "login": "penza-head",
                "password": "otklik-demo",
                "next": target,
                "_csrf_token": token,
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == expected


async def test_anonymous_page_request_redirects_to_login_with_next(client, demo) -> None:
    response = await client.get("/o/penza/specialist", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/login?next=/o/penza/specialist"


async def test_deactivated_user_loses_access_at_once(client, demo) -> None:
    from app.db.tables import User

    await sign_in(client, "penza-executor")
    assert (await client.get("/o/penza/executor")).status_code == 200
    await User.update({User.is_active: False}).where(User.login == "penza-executor")
    assert (await client.get("/o/penza/executor", follow_redirects=False)).status_code == 302


async def test_login_form_escapes_submitted_login(client, demo) -> None:
    response = await sign_in(client, "<script>alert(1)</script>", "x")
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


async def test_only_a_sign_in_creates_a_session_in_redis(client, demo, redis) -> None:
    async def sessions() -> int:
        return len(await redis.keys("otklik-sessions*"))

    for path in ("/login", "/healthz", "/", "/api/schema/openapi.json", "/o/penza/specialist"):
        for _ in range(10):
            await client.get(path, follow_redirects=False)
    await client.post("/api/v1/messages", json={}, headers={"authorization": "Bearer x"})
    assert await redis.keys("otklik-sessions*") == []
    assert (await sign_in(client, "penza-specialist")).status_code == 302
    assert await sessions() == 1
    for _ in range(5):
        await client.get("/o/penza/specialist")
    assert await sessions() == 1
    await client.post("/logout", data={"_csrf_token": await csrf_token(client)})
    assert await redis.keys("otklik-sessions*") == []
