"""The console in a real headless Chromium: sign in, work five items by keyboard, search the
catalog, undo, then check the store's overrides and lessons and the next run's output."""

from __future__ import annotations

import csv
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from helpers.browser import PASSWORD, add_user, chromium, console
from helpers.consolehelp import demo
from poslink.console.actions import history
from poslink.store.db import DecisionStore
from poslink.store.knowledge import entries

WAIT = 15


def press(browser: WebDriver, *keys: str) -> None:
    browser.find_element(By.TAG_NAME, "body").send_keys(*keys)


def title(browser: WebDriver) -> str:
    return browser.find_element(By.TAG_NAME, "h1").text


def on_item(browser: WebDriver, name: str) -> None:
    WebDriverWait(browser, WAIT).until(
        lambda b: "/item/" in b.current_url and title(b) == name,
        f"expected the item {name!r}",
    )


def teach(browser: WebDriver, expected: str) -> None:
    """On the teach page: the expected lesson is proposed and ticked; y confirms it."""
    WebDriverWait(browser, WAIT).until(lambda b: "/learn/" in b.current_url)
    page = browser.find_element(By.ID, "learn-form").text
    assert expected in page, page
    ticked = browser.find_elements(By.CSS_SELECTOR, "input[name=take]:checked")
    assert ticked
    press(browser, "y")


def by_id(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {r["productId"]: r for r in csv.DictReader(handle)}


def test_review_by_keyboard_in_a_browser(tmp_path: Path) -> None:
    made = demo(tmp_path / "demo")
    add_user(made.decisions, "alice", "reviewer")
    with console(made.decisions, made.catalog) as base, chromium() as browser:
        browser.get(f"{base}/queue")
        assert browser.current_url.endswith("/login")  # anonymous: sent to sign in
        browser.find_element(By.ID, "name").send_keys("alice")
        browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
        WebDriverWait(browser, WAIT).until(lambda b: b.current_url.endswith("/queue"))
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.row")
        assert "Daddy Gelato Gummies 100mg" in rows[0].text  # most impact first
        # The candidates' figure is their name evidence, not the calibrated match score.
        heads = browser.find_element(By.CSS_SELECTOR, "table.queue thead").text.lower().split()
        assert "evidence" in heads and "confidence" not in heads, heads

        # 1: the first item, opened by Enter, accepted by 1; it teaches the brand "daddy".
        press(browser, Keys.ENTER)
        on_item(browser, "Daddy Gelato Gummies 100mg")
        # Each candidate says how much of its name the listing names.
        header = browser.find_element(By.CSS_SELECTOR, "table.candidates thead").text
        assert {"names", "evidence"} <= set(header.lower().split()), header
        assert "confidence" not in header.lower(), header
        shares = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "td.covered")]
        assert shares and all(t.endswith("%") and 0 < int(t[:-1]) <= 100 for t in shares), shares
        press(browser, "1")
        teach(browser, "daddy")

        # 2: an ambiguous item (the catalog lists it twice), chosen through the search box.
        on_item(browser, "Lunar Lemonade Cart 1g | Comet")
        press(browser, "/")
        box = browser.switch_to.active_element
        assert box.get_attribute("id") == "search"
        box.send_keys("comet lunar")
        WebDriverWait(browser, WAIT).until(
            lambda b: len(b.find_elements(By.CSS_SELECTOR, "#results li")) == 2
        )
        results = browser.find_elements(By.CSS_SELECTOR, "#results li")
        assert all("lunar lemonade" in r.text for r in results)
        chosen = results[1].text.rsplit("#", 1)[1].split()[0]
        box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)

        # 3: a shortened strain name, accepted; it teaches "exp" for "express".
        on_item(browser, "Pineapple Exp 3.5g | Sunny Valley")
        press(browser, "1")
        teach(browser, "exp")

        # 4: a misspelt name, accepted (nothing to teach: the next item follows).
        on_item(browser, "Bloo Dream 3.5g | Sunny Valley")
        press(browser, "1")

        # j skips an item; 5: "Granddaddy Prp", accepted, teaches "prp".
        on_item(browser, "Daddy Sour Peach Gummies 100mg")
        press(browser, "j")
        on_item(browser, "Granddaddy Prp 3.5g | Sunny Valley")
        press(browser, "1")
        teach(browser, "prp")

        # Skip two more, answer "not in catalog" with n, then undo it with u.
        on_item(browser, "Pineapple Exp 1g | Sunny Valley")
        press(browser, "j")
        on_item(browser, "Granddaddy Prp 1g | Sunny Valley")
        press(browser, "j")
        on_item(browser, "Wedding Cake Shake 7g | Sunny Valley")
        press(browser, "n")
        WebDriverWait(browser, WAIT).until(lambda b: "/queue" in b.current_url)
        press(browser, "u")
        on_item(browser, "Wedding Cake Shake 7g | Sunny Valley")

    with DecisionStore(made.decisions) as store:
        answers = {(o.kind, o.key): o.answer for o in store.list_overrides("jane-json")}
        notes = {o.note for o in store.list_overrides("jane-json")}
        lessons = {(e.lesson.kind, e.lesson.text, e.lesson.target) for e in entries(store)}
        audit = history(store)
    assert answers == {
        ("name", "daddy gelato gummies 100mg"): "7001",
        ("name", "lunar lemonade cart 1g comet"): chosen,
        ("name", "pineapple exp 3 5g sunny valley"): "7101",
        ("name", "bloo dream 3 5g sunny valley"): "7103",
        ("name", "granddaddy prp 3 5g sunny valley"): "7102",
    }
    assert notes == {"console: alice"}
    assert lessons == {
        ("brand", "daddy", "Big Daddy Edibles"),
        ("nickname", "exp", "express"),
        ("nickname", "prp", "purple"),
    }
    decided = [r for r in audit if r.action == "decide"]
    taught = [r for r in audit if r.action == "teach"]
    assert len(decided) == 6 and len(taught) == 3
    assert {r.user for r in decided + taught} == {"alice"}  # the reviewer's name in the audit
    latest = decided[0]  # history is newest first: the "not in catalog", undone
    assert latest.undone and latest.answer == "none"
    assert not any(r.undone for r in decided[1:])

    # The next runs apply the overrides, and the lessons reach records nobody reviewed.
    made.run("north", tmp_path / "north-1.csv")
    made.run("south", tmp_path / "south-1.csv")
    north, south = by_id(tmp_path / "north-1.csv"), by_id(tmp_path / "south-1.csv")
    assert north["n1"]["jane_product_id"] == south["s4"]["jane_product_id"] == "7001"
    assert north["n3"]["jane_product_id"] == south["s3"]["jane_product_id"] == chosen
    assert north["n8"]["jane_product_id"] == ""  # the undone "not in catalog"
    before = by_id(made.folder / "south-0.csv")
    assert before["s1"]["jane_product_id"] == before["s2"]["jane_product_id"] == ""
    assert south["s1"]["jane_product_id"] == "7002"  # "daddy" is Big Daddy Edibles
    assert south["s2"]["jane_product_id"] == "7101"  # "exp" is "express"
    # match_score is a probability: a taught name reads as the catalog's own.
    assert float(south["s2"]["match_score"]) >= 0.99 and float(south["s6"]["match_score"]) >= 0.99
