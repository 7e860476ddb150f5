"""The nightly backup as systemd units: a timer starting a one-shot `flask backup create` with the
same environment as the web service, keeping a number of days."""

from __future__ import annotations

import shlex

from tests.test_deploy import DEPLOY, _unit


def test_timer_runs_the_backup_nightly_and_catches_up():
    timer = _unit("safety-backup.timer")
    assert timer["Timer.OnCalendar"] == ["*-*-* 02:30:00"]
    assert timer["Timer.Persistent"] == ["true"]
    assert timer["Timer.Unit"] == ["safety-backup.service"]
    assert timer["Install.WantedBy"] == ["timers.target"]


def test_service_creates_a_backup_and_keeps_n_days():
    service, web = _unit("safety-backup.service"), _unit("safety-web.service")
    assert service["Service.Type"] == ["oneshot"]
    assert service["Service.EnvironmentFile"] == web["Service.EnvironmentFile"]
    assert service["Service.User"] == web["Service.User"]
    environment = dict(
        pair.split("=", 1) for line in service["Service.Environment"] for pair in line.split()
    )
    assert environment["APP_ENV"] == "production" and environment["FLASK_APP"] == "server"
    assert int(environment["BACKUP_KEEP_DAYS"]) >= 1
    command = shlex.split(service["Service.ExecStart"][0])
    assert command[0].endswith("/flask") and command[1:3] == ["backup", "create"]
    destination = command[3]
    assert destination == "/var/lib/" + service["Service.StateDirectory"][0]
    assert command[4:] == ["--keep-days", "${BACKUP_KEEP_DAYS}"]
    assert service["Service.UMask"] == ["0077"]  # backups hold personal data
    assert (DEPLOY / "systemd" / "safety-backup.timer").is_file()
