"""The console's exports: asking for one through the form (the same service as the API), one's
own jobs with their download links, and the export log within the unit's scope."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import ExportJob
from tests.console.forms import attr_values, post_form, text_of
from tests.hazards.conftest import unit_by_code
from tests.support.statements import counted


def test_an_export_is_asked_for_and_listed_with_its_link(demo, people, browser_as, hazard_at):
    hazard_at()
    hazard_at(description="教学楼楼梯扶手松动", focus_problem="food.rules")
    browser = browser_as(people["school_admin@own"])
    page = browser.get("/console/exports")
    assert page.status_code == 200 and "隐患台账" in text_of(page)
    school = unit_by_code("YQ101")
    form = {"kind": "hazard_ledger", "format": "xlsx", "unit_id": school.id}
    answer = post_form(browser, "/console/exports", form)
    assert answer.status_code == 302
    job = db.session.scalars(select(ExportJob)).one()
    assert answer.headers["Location"].endswith(f"/console/exports?created={job.id}")
    # JOBS_IMMEDIATE built it in-process: done, with its rows and a link to the file.
    assert (job.status, job.rows, job.contains_personal_data) == ("done", 2, True)
    listed = browser.get(answer.headers["Location"])
    assert attr_values(listed, "data-job-id") == [str(job.id)]
    assert f'href="/console/exports/{job.id}/file"' in text_of(listed)
    assert 'http-equiv="refresh"' not in text_of(listed)


def test_a_job_being_built_refreshes_the_page(demo, people, browser_as):
    browser = browser_as(people["school_admin@own"])
    school = unit_by_code("YQ101")
    post_form(
        browser,
        "/console/exports",
        {"kind": "hazard_ledger", "format": "csv", "unit_id": school.id},
    )
    db.session.execute(ExportJob.__table__.update().values(status="running", progress=40))
    db.session.commit()
    page = text_of(browser.get("/console/exports"))
    assert 'http-equiv="refresh"' in page and "生成中 40%" in page and "data-download" not in page


def test_the_form_refuses_what_the_service_refuses(demo, people, browser_as):
    browser = browser_as(people["school_admin@own"])
    school = unit_by_code("YQ101").id
    cases = [
        ({"kind": "patrol_records", "format": "csv", "unit_id": school}, "不提供所选格式"),
        (
            {
                "kind": "hazard_ledger",
                "format": "xlsx",
                "unit_id": school,
                "from": "2026-03-01",
                "to": "2026-02-01",
            },
            "时间段无效",
        ),
        ({"kind": "nothing", "format": "xlsx", "unit_id": school}, "导出内容"),
        ({"kind": "hazard_ledger", "format": "xlsx", "unit_id": "x"}, "单位"),
    ]
    for form, complaint in cases:
        answer = post_form(browser, "/console/exports", form)
        assert answer.status_code == 422 and complaint in text_of(answer), form
    assert db.session.scalars(select(ExportJob)).first() is None
    assert browser.post("/console/exports", data=cases[0][0]).status_code == 400  # no CSRF


def test_exports_keep_to_the_scope_and_the_capability(demo, people, browser_as):
    form = {"kind": "hazard_ledger", "format": "xlsx"}
    school = browser_as(people["school_admin@own"])
    elsewhere = unit_by_code("YQ201").id
    assert post_form(school, "/console/exports", {**form, "unit_id": elsewhere}).status_code == 404
    page = text_of(school.get("/console/exports"))
    assert "符离中心小学" in page and "栏杆中心小学" not in page
    # A teacher holds no export.create: the page is not theirs.
    assert browser_as(people["teacher@own"]).get("/console/exports").status_code == 403
    # The inspector exports nothing and reads no log.
    inspector = browser_as(people["inspector@above"])
    assert inspector.get("/console/exports/log").status_code == 403
    bureau = unit_by_code("YQ000").id
    assert post_form(inspector, "/console/exports", {**form, "unit_id": bureau}).status_code == 403


def test_the_export_log_shows_who_exported_what(demo, people, browser_as, hazard_at):
    hazard_at()
    school = browser_as(people["school_admin@own"])
    yq101 = unit_by_code("YQ101").id
    post_form(
        school, "/console/exports", {"kind": "hazard_ledger", "format": "xlsx", "unit_id": yq101}
    )
    post_form(
        school, "/console/exports", {"kind": "hazards_geo", "format": "geojson", "unit_id": yq101}
    )
    # A school admin exports but reads no log (export.log is the bureau's).
    assert school.get("/console/exports/log").status_code == 403
    assert "data-log-link" not in text_of(school.get("/console/exports"))
    bureau = browser_as(people["bureau_admin@above"])
    assert "data-log-link" in text_of(bureau.get("/console/exports"))
    log = bureau.get("/console/exports/log")
    jobs = db.session.scalars(select(ExportJob).order_by(ExportJob.id.desc())).all()
    assert attr_values(log, "data-job-id") == [str(job.id) for job in jobs]
    page = text_of(log)
    assert "隐患台账 · Excel" in page and "隐患分布 · GeoJSON" in page
    assert page.count("data-personal") == 1  # the ledger names people; the map layer does not
    assert "符离中心小学" in page
    # The bureau's staff read the log of any unit below; a supervisor holds no export.log.
    yq100 = unit_by_code("YQ100").id
    staff = browser_as(people["bureau_staff@above"])
    assert attr_values(staff.get(f"/console/exports/log?unit_id={yq100}"), "data-job-id") == [
        str(job.id) for job in jobs
    ]
    sibling = browser_as(people["supervisor@sibling"])
    assert sibling.get("/console/exports/log").status_code == 403


def test_the_export_pages_run_a_bounded_number_of_statements(demo, people, browser_as):
    bureau = browser_as(people["bureau_admin@above"])
    form = {"kind": "hazards_geo", "format": "csv"}
    post_form(bureau, "/console/exports", {**form, "unit_id": unit_by_code("YQ101").id})
    with counted() as few:
        bureau.get("/console/exports")
        bureau.get("/console/exports/log")
    for code in ("YQ102", "YQ201", "YQ100"):
        post_form(bureau, "/console/exports", {**form, "unit_id": unit_by_code(code).id})
    with counted() as many:
        bureau.get("/console/exports")
        bureau.get("/console/exports/log")
    assert len(many) == len(few)
