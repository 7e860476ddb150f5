"""The phone's side of the bring-up: a signed-in user talking HTTP to the web process, and the
links and bytes it is served."""

from __future__ import annotations

import requests

TIMEOUT = 30  # seconds for each HTTP call (generous: the test command loads the machine)


class Phone:
    """A signed-in user of the mini-program, talking HTTP to the web process."""

    def __init__(self, base: str, wechat: str, openid: str) -> None:
        """Log in with a code the fake WeChat minted for ``openid`` (what wx.login gives)."""
        self.base, self.openid = base, openid
        minted = requests.post(f"{wechat}_fake/codes", json={"openid": openid}, timeout=TIMEOUT)
        code = answer_json(minted)
        token = self.call("POST", "/auth/login", json={"code": code["code"]}, auth=False)["token"]
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, auth: bool = True, status=(200, 201), **kwargs):
        """One API call; its JSON answer (the status must be one of ``status``)."""
        response = requests.request(
            method,
            f"{self.base}/api/v1{path}",
            headers=self.headers if auth else {},
            timeout=TIMEOUT,
            **kwargs,
        )
        assert response.status_code in status, (method, path, response.status_code, response.text)
        return response.json()


def answer_json(response: requests.Response):
    """A response's JSON, which must be a 2xx."""
    assert response.ok, response.text
    return response.json()


def photo_bytes(hazard: dict) -> dict[str, bytes]:
    """Each photo link of a hazard's answer (display and thumbnail) -> the bytes it serves."""
    links = [photo[key] for photo in hazard["photos"] for key in ("url", "thumb_url")]
    assert links and all(links), hazard["photos"]
    return {link: _get(link) for link in links}


def _get(url: str) -> bytes:
    """The bytes at a URL (a presigned S3 link)."""
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.content
