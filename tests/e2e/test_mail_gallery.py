"""Every mail of every domain, de and en, as headless Chromium shows it on a phone: nothing wider than
the screen, case numbers on one line, buttons big enough to tap, the footer there (the screenshots
`make mails` writes under docs/mails/ come from the same rendering, infra/mail_gallery.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra import mail_gallery
from tests.e2e.test_browser_cors import _require_chromium

PHONE = mail_gallery.WIDTHS["phone"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(mail_gallery.CHROMIUM), args=mail_gallery.CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def test_every_mail_reads_well_on_a_phone(browser: Any) -> None:
    wrong: list[str] = []
    seen = 0
    page = browser.new_page(viewport={"width": PHONE, "height": 800})
    for name, language, subject, html in mail_gallery.rendered():
        seen += 1
        page.set_content(html)
        where = f"{name} ({language})"
        if page.evaluate("document.documentElement.scrollWidth") > PHONE:
            wrong.append(f"{where}: wider than the phone")
        for lines in page.evaluate(
            "[...document.querySelectorAll('.nowrap')].map(e => e.getClientRects().length)"
        ):
            if lines != 1:
                wrong.append(f"{where}: a case number breaks")
        for height in page.evaluate(
            "[...document.querySelectorAll('a.button')].map(e => e.getBoundingClientRect().height)"
        ):
            if height < 44:
                wrong.append(f"{where}: a button {height:.0f}px high, too small to tap")
        text = page.inner_text("body")
        if "Support-Portal" not in text or "01M8KNAZ0BGRPGSQXY20WT9MCV" not in text:
            wrong.append(f"{where}: brand or reference missing")
        if not subject or "{{" in html:
            wrong.append(f"{where}: subject or template syntax")
    page.close()
    assert seen == 2 * len(mail_gallery.SAMPLES)
    assert wrong == []
