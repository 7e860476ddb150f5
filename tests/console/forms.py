"""Posting the console's forms from a test browser: the session's CSRF token added, as the
page's hidden field would."""

from __future__ import annotations

import re


def csrf_of(browser) -> str:
    """The CSRF token of the browser's console session."""
    with browser.session_transaction() as cookie:
        return cookie["csrf"]


def post_form(browser, url: str, data: dict | None = None, **kwargs):
    """POST a console form with the session's CSRF token."""
    return browser.post(url, data={**(data or {}), "csrf_token": csrf_of(browser)}, **kwargs)


def text_of(response) -> str:
    """The page's HTML (asserting it is one)."""
    return response.get_data(as_text=True)


def attr_values(response, name: str) -> list[str]:
    """Every value of the attribute ``name`` on the page, in order."""
    return re.findall(rf'{name}="([^"]*)"', text_of(response))
