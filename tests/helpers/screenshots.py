"""Screenshots of the review console for docs/console.md: ``make screenshots``.

Runs the console on the invented demo store (``helpers.consolehelp``) in a headless Chromium and
saves the queue, an item, the teach page and the gaps as PNG files in the given folder.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from helpers.browser import PASSWORD, add_user, chromium, console
from helpers.consolehelp import demo


def main(folder: Path) -> None:
    """Write console-queue.png, console-item.png, console-teach.png and console-gaps.png."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        made = demo(Path(work) / "demo")
        add_user(made.decisions, "alice", "admin")
        with console(made.decisions, made.catalog) as base, chromium(1360, 860) as browser:
            wait = WebDriverWait(browser, 15)
            browser.get(f"{base}/login")
            browser.find_element(By.ID, "name").send_keys("alice")
            browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
            wait.until(lambda b: b.current_url.endswith("/queue"))
            browser.save_screenshot(str(folder / "console-queue.png"))
            body = browser.find_element(By.TAG_NAME, "body")
            body.send_keys("j", "j", "j", "j", Keys.ENTER)  # "Daddy Sour Peach": two brands
            wait.until(lambda b: "/item/" in b.current_url)
            browser.find_element(By.ID, "search").send_keys("sour peach")
            wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#results li"))
            browser.save_screenshot(str(folder / "console-item.png"))
            browser.find_element(By.TAG_NAME, "h1").click()
            browser.find_element(By.TAG_NAME, "body").send_keys("1")
            wait.until(lambda b: "/learn/" in b.current_url)
            browser.save_screenshot(str(folder / "console-teach.png"))
            browser.get(f"{base}/gaps")
            browser.save_screenshot(str(folder / "console-gaps.png"))
    print(f"screenshots -> {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))
