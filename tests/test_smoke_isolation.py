import pytest

pytestmark = pytest.mark.django_db


def test_member_lists_only_own_gym(api_for, gym_a, gym_b):
    response = api_for(gym_a, "owner").get("/api/v1/members/")
    assert response.status_code == 200
    emails = {m["email"] for m in response.json()["results"]}
    assert "owner-a@example.test" in emails
    assert not any(e.endswith("-b@example.test") for e in emails)


def test_non_member_gets_404(api_for, gym_a, gym_b):
    client = api_for(gym_b, "owner")
    # owner of B, signed in on B, tries A's host with the same client: a different host, no session
    from conftest import login

    other = api_for(gym_a)
    login(other, gym_a, "owner-b@example.test")
    assert other.get("/api/v1/members/").status_code == 404
    assert client.get("/api/v1/members/").status_code == 200
