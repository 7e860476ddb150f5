"""GET /api/v1/patrols and /patrols/{id}: one's own rounds, others' with patrol.view in scope,
pages by before_id, and statements per page that do not grow with the rows."""

from __future__ import annotations

from server.services.content import MASK
from tests.hazards.conftest import make_jpeg, unit_by_code
from tests.patrols import support_submit as support
from tests.patrols.support_submit import round_body, upload_bytes
from tests.support.content import pass_media
from tests.support.links import without_links
from tests.support.statements import counted

# The support module's fixtures, made visible to pytest here (P1 owns tests/patrols/conftest.py).
staff, canteen = support.staff, support.canteen


def _round(client, headers, canteen, fail_seed: int | None = None) -> dict:
    """Submit a round (with one failed item and its photo when a seed is given)."""
    fails = None
    if fail_seed is not None:
        fails = {0: [upload_bytes(client, headers, make_jpeg(fail_seed))]}
    response = client.post("/api/v1/patrols", json=round_body(canteen, fails), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_my_rounds_page_by_page(client, staff, canteen):
    teacher = staff["teacher"]
    made = [_round(client, teacher, canteen)["id"] for _ in range(5)]
    _round(client, staff["guard"], canteen)
    first = client.get("/api/v1/patrols?mine=1&limit=3", headers=teacher).get_json()
    assert [p["id"] for p in first["patrols"]] == made[::-1][:3]
    assert "answers" not in first["patrols"][0]
    assert first["patrols"][0]["counts"] == {"pass": 5, "fail": 0, "na": 0}
    cursor = first["next_before_id"]
    rest = client.get(f"/api/v1/patrols?mine=1&limit=3&before_id={cursor}", headers=teacher)
    assert [p["id"] for p in rest.get_json()["patrols"]] == made[::-1][3:]
    assert rest.get_json()["next_before_id"] is None
    # No school given: one's own rounds.
    default = client.get("/api/v1/patrols", headers=teacher).get_json()["patrols"]
    assert len(default) == 5


def test_a_schools_rounds_need_patrol_view(client, staff, canteen):
    school = unit_by_code("YQ101").id
    _round(client, staff["teacher"], canteen)
    _round(client, staff["guard"], canteen)
    for viewer in ("school_admin", "supervisor"):
        listed = client.get(f"/api/v1/patrols?school_id={school}", headers=staff[viewer])
        assert listed.status_code == 200 and len(listed.get_json()["patrols"]) == 2
    # A teacher sees their own rounds at the school, not the others'.
    others = client.get(f"/api/v1/patrols?school_id={school}", headers=staff["teacher"])
    assert others.status_code == 403
    own = client.get(f"/api/v1/patrols?school_id={school}&mine=1", headers=staff["teacher"])
    assert len(own.get_json()["patrols"]) == 1
    sibling = client.get(f"/api/v1/patrols?school_id={school}", headers=staff["sibling_admin"])
    assert sibling.status_code == 404
    for bad in ("school_id=2147483648", "before_id=0", "limit=1000", "school_id=abc"):
        assert client.get(f"/api/v1/patrols?{bad}", headers=staff["teacher"]).status_code == 422


def test_one_round_for_its_maker_and_those_with_patrol_view(client, staff, canteen, fake_wechat):
    made = _round(client, staff["teacher"], canteen, fail_seed=7)
    url = f"/api/v1/patrols/{made['id']}"
    mine = client.get(url, headers=staff["teacher"]).get_json()
    assert without_links(mine) == without_links(made)  # links are signed anew, with the time
    assert mine["answers"][0]["photos"][0]["url"]  # its uploader sees it at once
    officer = client.get(url, headers=staff["school_admin"])
    assert officer.status_code == 200
    # Others see it once WeChat's media check passed it, as with any hazard photo.
    photo = officer.get_json()["answers"][0]["photos"][0]
    assert (photo["url"], photo["under_review"]) == (None, True)
    pass_media(client, fake_wechat)
    photo = client.get(url, headers=staff["school_admin"]).get_json()["answers"][0]["photos"][0]
    assert photo["url"] and photo["thumb_url"] and photo["under_review"] is False
    assert client.get(url, headers=staff["guard"]).status_code == 403
    assert client.get(url, headers=staff["sibling_admin"]).status_code == 404
    assert client.get("/api/v1/patrols/2147483647", headers=staff["teacher"]).status_code == 404


def test_statements_do_not_grow_with_rows(client, staff, canteen):
    school = unit_by_code("YQ101").id
    officer = staff["school_admin"]
    url = f"/api/v1/patrols?school_id={school}&limit=50"

    def statements() -> int:
        with counted() as seen:
            assert client.get(url, headers=officer).status_code == 200
        return len(seen)

    _round(client, staff["teacher"], canteen, fail_seed=1)
    few = statements()
    for seed in range(2, 8):
        _round(client, staff["guard"] if seed % 2 else staff["teacher"], canteen, seed)
    assert statements() == few
    assert few <= 12

    def detail(patrol_id: int) -> int:
        with counted() as seen:
            client.get(f"/api/v1/patrols/{patrol_id}", headers=officer)
        return len(seen)

    small = _round(client, staff["teacher"], canteen)["id"]
    large = _round(client, staff["teacher"], canteen, fail_seed=99)["id"]
    detail(small), detail(large)  # warm: the caller's grants and units are loaded once
    # A failed item adds its photos, its hazard's photo links and their media holds.
    assert detail(large) <= detail(small) + 3


def test_held_notes_are_masked_for_others_and_risky_ones_refused(
    client, staff, canteen, fake_wechat
):
    fake_wechat.set_words({"代开发票": "review", "赌博": "risky"})
    teacher = staff["teacher"]
    photo = upload_bytes(client, teacher, make_jpeg(5))
    body = round_body(canteen, {0: [photo]})
    body["answers"][0]["note"] = "门口有人代开发票"
    body["answers"][1]["note"] = "代开发票的广告"
    made = client.post("/api/v1/patrols", json=body, headers=teacher).get_json()
    assert made["answers"][0]["note"] == "门口有人代开发票"  # the writer sees it
    seen = client.get(f"/api/v1/patrols/{made['id']}", headers=staff["school_admin"]).get_json()
    assert [a["note"] for a in seen["answers"][:2]] == [MASK, MASK]
    hazard_url = f"/api/v1/hazards/{made['answers'][0]['hazard_id']}"
    hazard = client.get(hazard_url, headers=staff["school_admin"])
    assert hazard.get_json()["description"] == MASK
    risky = round_body(canteen)
    risky["answers"][1]["note"] = "校门口有人赌博"
    refused = client.post("/api/v1/patrols", json=risky, headers=teacher)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, "content_risky")
