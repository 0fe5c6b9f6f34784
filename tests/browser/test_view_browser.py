"""The view in a real browser (headless Chromium from Debian's packages, driven by Selenium).

A supervisor opens a held session's record from the calendar and marks it COMPLETE; a
supervisee finds they cannot cancel a session (Google lets only the organiser delete or move
an event: a guest's write answers 403 forbiddenForNonOrganizer, as reported in
kewisch/gdata-provider issue 366 and issue 3),
so they ask and the supervisor cancels that one occurrence; what the supervisee can do, as in
Google Calendar, is decline a session (patch only their own attendee responseStatus: Events
reference, attendees[].responseStatus,
https://developers.google.com/calendar/api/v3/reference/events#attendees.responseStatus), which
she does for the following week. Then `sync` runs and the line manager's tracker page shows the
record COMPLETE, the session CANCELLED and the declined one DECLINED; `rearrange` cancels the
declined occurrence and rebooks it, and the next sync shows it CANCELLED (rearranged). The
supervisee's outbox shows the invitation and the cancellation, and an outsider sees no record,
cannot open one by its address and sees no tracker. Screenshots of every page go to the test's folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait
from view_world import ANN, MANAGER, OUTSIDER, SUPERVISOR, World

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="needs Debian's chromium and chromium-driver (scripts/test.sh installs them)",
)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1440,900", "--lang=en-GB"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(DRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def sign_in(browser: WebDriver, url: str, email: str) -> None:
    browser.get(f"{url}/signin")
    browser.find_element(By.ID, "email").send_keys(email)
    go(browser, browser.find_element(By.ID, "signin"))
    assert browser.find_element(By.ID, "who").text == email


def go(browser: WebDriver, element: WebElement) -> None:
    """Click something that loads a page, and wait until the old page is gone."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    loaded(browser, page)


def loaded(browser: WebDriver, page: WebElement) -> None:
    """Wait until `page` (the old document's root) is gone and the new one has loaded."""
    WebDriverWait(browser, 10).until(lambda _b: _gone(page))
    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )


def _gone(page: WebElement) -> bool:
    """Whether the old document's root has been replaced. Chromium sometimes answers a
    detached node with "Node with given id does not belong to the document" (a plain
    WebDriverException) instead of a stale-element error: both mean it is gone."""
    try:
        page.is_enabled()
    except WebDriverException:  # StaleElementReferenceException is one
        return True
    return False


def shot(browser: WebDriver, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    browser.save_screenshot(str(path))
    assert path.stat().st_size > 1000
    return path


def test_a_week_of_supervision_through_the_browser(
    world: World, view_url: str, browser: WebDriver, tmp_path: Path
) -> None:
    shots = tmp_path / "screenshots"

    # The supervisor opens the record of Friday 12 March's session (held) from the calendar.
    sign_in(browser, view_url, SUPERVISOR)
    browser.get(f"{view_url}/calendar?view=week&day=2027-03-12")
    shot(browser, shots, "calendar-week-supervisor")
    link = browser.find_element(By.PARTIAL_LINK_TEXT, "Ann Asye - 2027-03-12")
    go(browser, link)
    assert "Ann Asye - 2027-03-12" in browser.find_element(By.ID, "record-title").text
    assert browser.find_element(By.ID, "record-status").text == "DRAFT"
    sharing = browser.find_element(By.ID, "sharing").text
    assert ANN in sharing and MANAGER in sharing and OUTSIDER not in sharing
    record_url = browser.current_url
    # ... writes in section 1 and marks it COMPLETE
    go(browser, browser.find_element(By.ID, "edit"))
    box = browser.find_element(By.XPATH, "//textarea[starts-with(., 'How is the supervisee?')]")
    box.clear()
    box.send_keys("Ann is well; workload agreed at 12 cases.")
    go(browser, browser.find_element(By.ID, "save"))
    assert (
        "Ann is well; workload agreed at 12 cases."
        in browser.find_element(By.CLASS_NAME, "doc").text
    )
    Select(browser.find_element(By.ID, "status")).select_by_value("COMPLETE")
    go(browser, browser.find_element(By.ID, "set-status"))
    assert browser.find_element(By.ID, "record-status").text == "COMPLETE"
    shot(browser, shots, "record-complete")
    browser.get(f"{view_url}/calendar?view=month&day=2027-03-12")
    shot(browser, shots, "calendar-month-supervisor")

    # The supervisee sees Friday 19 March's session but no way to cancel it: not the organiser.
    sign_in(browser, view_url, ANN)
    browser.get(f"{view_url}/calendar?view=week&day=2027-03-19")
    friday = browser.find_elements(By.CSS_SELECTOR, ".event")
    assert friday, "Ann's calendar shows her sessions (she is invited)"
    assert not browser.find_elements(By.CSS_SELECTOR, "button.cancel")
    assert browser.find_elements(By.CSS_SELECTOR, ".not-organiser")
    event_id = friday[0].get_attribute("data-event")
    shot(browser, shots, "calendar-week-supervisee")
    # a forged form (right token, wrong person) gets Google's answer, not a cancellation
    browser.get(f"{view_url}/records")
    token = browser.find_element(By.NAME, "csrf").get_attribute("value")
    page = browser.find_element(By.TAG_NAME, "html")
    browser.execute_script(
        "const f = document.createElement('form'); f.method = 'post';"
        "f.action = '/calendar/cancel';"
        "for (const [k, v] of [['csrf', arguments[0]], ['event_id', arguments[1]]]) {"
        " const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i); }"
        "document.body.appendChild(f); f.submit();",
        token,
        event_id,
    )
    loaded(browser, page)
    assert "organizer" in browser.find_element(By.ID, "google").text
    # the supervisee's records: her own only, not Ben's
    browser.get(f"{view_url}/records")
    mine = browser.find_element(By.ID, "records").text
    assert "Ann Asye" in mine and "Ben" not in mine
    shot(browser, shots, "records-supervisee")

    # She asks; the supervisor cancels that one occurrence as Google Calendar would.
    sign_in(browser, view_url, SUPERVISOR)
    browser.get(f"{view_url}/calendar?view=week&day=2027-03-19")
    target = browser.find_element(By.CSS_SELECTOR, f".event[data-event='{event_id}']")
    target.find_element(By.TAG_NAME, "summary").click()
    go(browser, target.find_element(By.CSS_SELECTOR, "button.cancel"))
    assert not browser.find_elements(By.CSS_SELECTOR, f".event[data-event='{event_id}']")

    # What she can do herself, as in Google Calendar: decline the following Friday's session.
    sign_in(browser, view_url, ANN)
    browser.get(f"{view_url}/calendar?view=week&day=2027-03-26")
    (next_week,) = browser.find_elements(By.CSS_SELECTOR, ".event")
    declined_id = next_week.get_attribute("data-event")
    next_week.find_element(By.TAG_NAME, "summary").click()
    go(browser, next_week.find_element(By.CSS_SELECTOR, "button.decline"))
    answered = browser.find_element(By.CSS_SELECTOR, f".event[data-event='{declined_id}']")
    answered.find_element(By.TAG_NAME, "summary").click()
    assert "You declined this" in answered.find_element(By.CLASS_NAME, "declined").text
    assert not browser.find_elements(By.CSS_SELECTOR, "button.decline")
    shot(browser, shots, "calendar-week-supervisee-declined")
    # the supervisor's own page shows her answer; the occurrence is still in his calendar
    sign_in(browser, view_url, SUPERVISOR)
    browser.get(f"{view_url}/calendar?view=week&day=2027-03-26")
    held = browser.find_element(By.CSS_SELECTOR, f".event[data-event='{declined_id}']")
    held.find_element(By.TAG_NAME, "summary").click()
    assert f"{ANN} (declined)" in held.text

    # sync, then the line manager's tracker shows all three
    world.sync()
    sign_in(browser, view_url, MANAGER)
    browser.get(f"{view_url}/tracker")
    sessions = browser.find_element(By.ID, "tab-0")
    rows = sessions.find_element(By.TAG_NAME, "table").text.splitlines()  # one round trip
    assert any("2027-03-12" in r and "Ann Asye" in r and "COMPLETE" in r for r in rows), rows
    assert any("2027-03-19" in r and "Ann Asye" in r and "CANCELLED" in r for r in rows), rows
    assert any(str(declined_id) in r and "Ann Asye" in r and "DECLINED" in r for r in rows), rows
    complete = sessions.find_element(By.XPATH, ".//td[normalize-space()='COMPLETE']")
    assert "183, 225, 205" in complete.value_of_css_property("background-color")  # B7E1CD
    assert browser.find_elements(By.CSS_SELECTOR, "figure.chart rect")
    shot(browser, shots, "tracker-line-manager")
    browser.get(f"{view_url}/tracker#tab-1")
    shot(browser, shots, "tracker-summary-chart")
    go(browser, sessions.find_element(By.CSS_SELECTOR, "a[href*='/records/']"))
    assert browser.find_element(By.ID, "record-title").text.startswith("Supervision record")

    # rearrange: the declined occurrence is cancelled by its organiser and rebooked in time
    result = world.rearrange()
    rebooked = [o for o in result.outcomes if o.cancelled.session_id == declined_id]
    assert [o.action for o in rebooked] == ["booked"], result.outcomes
    world.sync()
    browser.get(f"{view_url}/tracker")
    rows = browser.find_element(By.ID, "tab-0").find_element(By.TAG_NAME, "table").text
    rows_list = rows.splitlines()
    assert any(str(declined_id) in r and "CANCELLED" in r for r in rows_list), rows_list
    assert not any("DECLINED" in r for r in rows_list), rows_list
    shot(browser, shots, "tracker-after-rearrange")

    # the supervisee's outbox: the invitation and the cancellation
    sign_in(browser, view_url, ANN)
    browser.get(f"{view_url}/outbox")
    mail = browser.find_element(By.ID, "outbox").text
    assert "Invitation" in mail and "Cancellation" in mail and SUPERVISOR in mail
    shot(browser, shots, "outbox-supervisee")

    # an outsider: no record listed, none opened by its address, no tracker
    sign_in(browser, view_url, OUTSIDER)
    browser.get(f"{view_url}/records")
    assert browser.find_elements(By.ID, "no-records")
    browser.get(record_url)
    assert "not been shared with you" in browser.find_element(By.ID, "problem").text
    assert not browser.find_elements(By.CLASS_NAME, "doc")
    shot(browser, shots, "record-outsider")
    browser.get(f"{view_url}/tracker")
    assert browser.find_elements(By.ID, "no-tracker")
