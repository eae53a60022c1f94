#!/usr/bin/env python3
"""Fills the web questionnaire of a running `upstream serve` in headless Chromium (Selenium
with Debian's chromium and chromium-driver), one persona after another.

Usage: personas.py PLAN.json

The plan (written by WebBrowserTests) gives the server's URL, the folder for screenshots,
the chromedriver to use and, for each persona, every step in the order the questionnaire
must ask it (question id, input kind, the values to choose, or "not sure"; for a choice
question, the options the earlier answers leave open, which the page must offer), which step to
go back from, which to resume at in a fresh browser, and what the result must show (the red
flags' names, the first steps). The script clicks labels and buttons as a person would,
checks what a browser can check of accessibility on every page (a label for every input,
a fieldset with a legend, nothing wider than a 390-pixel phone, no positive tabindex, the
first answer reached with Tab), and saves screenshots at 390 px and 1280 px.

Prints one line per check and exits 1 if any failed (2 when Selenium is missing).
"""

import json
from concurrent.futures import ThreadPoolExecutor
import os
import sys
import time
import traceback

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    print("Selenium is not installed: pip install selenium")
    sys.exit(2)

PHONE = (390, 844)
DESKTOP = (1280, 900)

failures = []


STARTED = time.monotonic()


def check(condition, message):
    """Records one check: printed as ok or FAIL, with the seconds since the start."""
    print(("ok" if condition else "FAIL") + f" [{time.monotonic() - STARTED:5.1f} s]: " + message)
    if not condition:
        failures.append(message)
    return condition


class Browser:
    """One headless Chromium with a fresh profile (no cookies, no history)."""

    def __init__(self, plan):
        options = webdriver.ChromeOptions()
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                         "--no-first-run", "--disable-dev-shm-usage", "--lang=en-US",
                         f"--window-size={DESKTOP[0]},{DESKTOP[1]}"]:
            options.add_argument(argument)
        if plan.get("chromium"):
            options.binary_location = plan["chromium"]
        # The chromedriver named by path: Selenium then never looks for (or downloads) one.
        self.driver = webdriver.Chrome(service=Service(executable_path=plan["chromedriver"]), options=options)
        self.driver.set_page_load_timeout(20)
        self.width = DESKTOP[0]

    def resize(self, size):
        """Lays the page out at this size, as a phone (mobile viewport) or a desktop."""
        width, height = size
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        self.width = width

    def shot(self, folder, name):
        path = os.path.join(folder, f"{name}-{self.width}.png")
        self.driver.save_screenshot(path)
        return path

    def quit(self):
        self.driver.quit()


# MARK: - What a browser can check of accessibility

ACCESSIBILITY = """
const problems = [];
const visible = [...document.querySelectorAll('input, select, textarea, button')]
  .filter(e => e.type !== 'hidden');
for (const e of visible) {
  if (e.tagName === 'BUTTON') {
    if (!e.textContent.trim() && !e.getAttribute('aria-label')) problems.push('a button without text');
    continue;
  }
  if (!(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
    problems.push('no label for ' + (e.id || e.name));
  if (e.name === 'answer') {
    const set = e.closest('fieldset');
    if (!set) problems.push('answer outside a fieldset: ' + e.id);
    else if (!set.querySelector(':scope > legend') || !set.querySelector(':scope > legend').textContent.trim())
      problems.push('a fieldset without a legend');
  }
}
for (const e of document.querySelectorAll('[tabindex]'))
  if (parseInt(e.getAttribute('tabindex'), 10) > 0) problems.push('positive tabindex on ' + e.tagName);
if (!document.documentElement.lang) problems.push('no lang on <html>');
if (!document.title.trim()) problems.push('no title');
const asked = document.querySelector("form[action$='/answer'] input[name=question]");
return [asked ? asked.value : null, problems];
"""


def overflow(driver):
    """How many pixels the page is wider than the screen (0 or less: no sideways scroll)."""
    return driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth;")


def leaving(driver, action):
    """Does what submits a form or follows a link, then waits for the next page to load
    (the old page's window marker gone, the new page complete)."""
    driver.execute_script("window.__leaving = true;")
    action()
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(lambda d: d.execute_script(
        "return window.__leaving === undefined && document.readyState === 'complete';"))


def question_on_page(driver):
    found = driver.find_elements(By.CSS_SELECTOR, "form[action$='/answer'] input[name=question]")
    return found[0].get_attribute("value") if found else None


def check_question_page(browser, step, label, keyboard):
    """The accessibility checks and the question id of a question page; `keyboard`: also
    walk it with Tab."""
    driver = browser.driver
    asked, problems = driver.execute_script(ACCESSIBILITY)
    check(asked == step["question"], f"{label}: asks {step['question']} (the page asks {asked})")
    check(not problems, f"{label}: every input labelled, answers in a fieldset with a legend {problems}")
    # A warning sign that needs a doctor today or now is on every page after it, with a way
    # to stop there; none is shown before.
    warnings = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "div.warning[role=alert] p strong")]
    check(warnings == step.get("warnings", []), f"{label}: the warning box shows {step.get('warnings', [])} (the page: {warnings})")
    if step.get("warnings"):
        stop = driver.find_elements(By.XPATH, "//div[@role='alert']//a[normalize-space()='Stop here and see my result']")
        check(len(stop) == 1, f"{label}: the warning box offers to stop and see the result")
        check(driver.execute_script("""
          const box = document.querySelector('div.warning');
          const form = document.querySelector('form');
          return !!box && !!form && (box.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;"""),
              f"{label}: the warning box comes before the question")
    if "offered" in step:
        # Only the options the earlier answers leave open ("no pain" is not offered after a
        # painful knee); the "None of these" box is not an option.
        shown = sorted(b.get_attribute("value") for b in driver.find_elements(By.CSS_SELECTOR, "input[name=answer]")
                       if b.get_attribute("type") in ("radio", "checkbox"))
        check(shown == sorted(step["offered"]), f"{label}: {step['question']} offers {sorted(step['offered'])} (the page: {shown})")
        for withheld in step.get("withheld", []):
            check(not driver.find_elements(By.CSS_SELECTOR, f"input[name=answer][value='{withheld}']"),
                  f"{label}: {step['question']} does not offer {withheld!r}, which the earlier answers rule out")
    if not keyboard:
        return
    # Keyboard: from the top of the page, Tab reaches the first answer before the Next button.
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    reached = []
    for _ in range(12):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = driver.switch_to.active_element
        reached.append(active.get_attribute("name") or active.tag_name)
        if active.tag_name == "button":
            break
    check("answer" in reached and reached[-1] == "button" and reached.index("answer") < len(reached) - 1,
          f"{label}: Tab reaches the answer, then the buttons {reached}")


def check_instrument_item(browser, step, label, name):
    """An instrument's item (STarT Back): its short note and whose tool it is, as the
    library words them, and no licence terms; on the first, "why am I asked this?"."""
    driver = browser.driver
    text = driver.find_element(By.TAG_NAME, "main").text
    for line in step["attribution"]:
        check(line in text, f"{label}: {step['question']} shows {line!r}")
    for word in ["licence", "commercial", "official wording", "A deployment"]:
        check(word not in text, f"{label}: {step['question']} shows no licence terms ({word!r})")
    if step.get("why"):
        summary = driver.find_element(By.XPATH, "//summary[normalize-space()='Why am I asked this?']")
        details = summary.find_element(By.XPATH, "..")
        if details.get_attribute("open") is None:
            summary.click()
        shown = details.text
        missing = [line for line in step["why"] if line not in shown]
        check(not missing, f"{label}: why {step['question']} is asked, as the library says it (missing {missing[:2]})")
        browser.shot(plan_out[0], f"{name}-instrument-item")


plan_out = [None]


def answer(browser, step):
    """Chooses the step's answer by clicking labels (or typing), then Next or Not sure."""
    driver = browser.driver
    if step["notSure"]:
        leaving(driver, driver.find_element(By.CSS_SELECTOR, "button[name=not_sure]").click)
        return
    if step["kind"] == "text":
        field = driver.find_element(By.ID, "answer")
        field.clear()
        field.send_keys(step["values"][0])
        leaving(driver, lambda: field.send_keys(Keys.ENTER))  # the keyboard submits the form
        return
    for value in step["values"]:
        box = driver.find_element(By.CSS_SELECTOR, f"input[name=answer][value='{value}']")
        if not box.is_selected():
            driver.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']").click()
    if step["kind"] == "checkbox" and not step["values"]:
        # "None" is ticked: an empty form is not taken as none.
        box = driver.find_element(By.ID, "answer-none")
        if not box.is_selected():
            driver.find_element(By.CSS_SELECTOR, "label[for='answer-none']").click()
    leaving(driver, driver.find_element(By.XPATH, "//form[contains(@action,'/answer')]//button[normalize-space()='Next']").click)


def checked_values(driver):
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[name=answer]")
    return sorted(b.get_attribute("value") for b in boxes if b.get_attribute("type") == "text" or b.is_selected())


def run(plan, persona):
    name = persona["name"]
    out = plan["out"]
    browser = Browser(plan)
    driver = browser.driver
    steps = persona["steps"]
    try:
        driver.get(plan["url"] + "/")
        for size in (PHONE, DESKTOP):
            browser.resize(size)
            browser.shot(out, f"{name}-start")
        leaving(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Start the questions']").click)
        link = None
        index = 0
        went_back = False
        walked = set()  # the kinds of question page walked with Tab
        while index < len(steps):
            step = steps[index]
            label = f"{name} step {index + 1}"
            if index == 0:
                link = driver.find_element(By.CSS_SELECTOR, "p.resume a").get_attribute("href")
                check(link.startswith(plan["url"] + "/s/"), f"{name}: the page gives its link to come back ({link})")
                for size in (PHONE, DESKTOP):
                    browser.resize(size)
                    check(overflow(driver) <= 0, f"{label}: no sideways scroll at {size[0]} px")
                    browser.shot(out, f"{name}-first-question")
                browser.resize(PHONE)
            check_question_page(browser, step, label, keyboard=step["kind"] not in walked)
            if step.get("attribution"):
                check_instrument_item(browser, step, label, name)
            walked.add(step["kind"])
            if index == persona["whyAt"]:
                summary = driver.find_element(By.XPATH, "//summary[normalize-space()='Why am I asked this?']")
                details = summary.find_element(By.XPATH, "..")
                check(details.get_attribute("open") is None, f"{label}: 'why am I asked this?' starts closed")
                summary.click()
                reasons = details.text.replace("Why am I asked this?", "").strip()
                check(details.get_attribute("open") is not None and len(reasons) > 20,
                      f"{label}: 'why am I asked this?' opens with the reasons ({reasons[:60]!r})")
                browser.shot(out, f"{name}-why")
            if index == persona["resumeAt"]:
                # A fresh browser (no cookies, no history) opens the link and carries on here.
                browser.quit()
                browser = Browser(plan)
                driver = browser.driver
                browser.resize(PHONE)
                driver.get(link)
                check(question_on_page(driver) == step["question"],
                      f"{label}: a fresh browser opening the link resumes at {step['question']}")
            answer(browser, step)
            if step["notSure"]:
                check(True, f"{label}: answered 'not sure'")
            if index == persona["backAfter"] and not went_back:
                went_back = True
                leaving(driver, driver.find_element(By.XPATH, "//button[normalize-space()='Back']").click)
                check(question_on_page(driver) == step["question"], f"{label}: Back asks {step['question']} again")
                if not step["notSure"]:
                    check(checked_values(driver) == sorted(step["values"]),
                          f"{label}: Back shows the answer given, {step['values']} ({checked_values(driver)})")
                continue  # answer it again
            index += 1

        # The result: the patient handout, with its link.
        check(question_on_page(driver) is None, f"{name}: after the last answer, the result")
        html = driver.page_source
        check("class=\"patient\"" in html, f"{name}: the result is the patient handout")
        flags = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "section.red-flags article h3")]
        check(flags == persona["redFlags"], f"{name}: red flags {flags} (expected {persona['redFlags']})")
        first = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "section.first-steps .first-step p.do")]
        check(first == persona["firstSteps"], f"{name}: first steps {first} (expected {persona['firstSteps']})")
        if persona["redFlags"]:
            order = driver.execute_script("""
              const flags = document.querySelector('section.red-flags');
              const sections = [...document.querySelectorAll('body section')];
              return sections.indexOf(flags);""")
            check(order == 0, f"{name}: the red flags are the first section of the handout (section {order})")
        check("sha256" not in html, f"{name}: the patient handout holds no hashes")
        for size in (PHONE, DESKTOP):
            browser.resize(size)
            check(overflow(driver) <= 0, f"{name} result: no sideways scroll at {size[0]} px")
            browser.shot(out, f"{name}-result")
        leaving(driver, driver.find_element(By.LINK_TEXT, "Clinician view").click)
        check("class=\"clinician\"" in driver.page_source and driver.current_url.endswith("?audience=clinician"),
              f"{name}: the clinician view at ?audience=clinician")
        check(bool(driver.find_elements(By.CSS_SELECTOR, "section.tree")) and "sha256:" in driver.page_source,
              f"{name}: the clinician view has the explained tree and the rules' hash")
        clinician_flags = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "section.red-flags article h3")]
        check(clinician_flags == persona["redFlags"], f"{name}: the clinician view's red flags {clinician_flags}")
        for size in (PHONE, DESKTOP):
            browser.resize(size)
            check(overflow(driver) <= 0, f"{name} clinician view: no sideways scroll at {size[0]} px")
            browser.shot(out, f"{name}-clinician")
    finally:
        browser.quit()


def walk(plan, persona):
    """One persona; an exception (a missing element, a timeout) is a failed check."""
    try:
        run(plan, persona)
    except Exception as error:
        where = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == __file__][-1]
        check(False, f"{persona['name']}: {type(error).__name__} at line {where.lineno} ({where.line}): "
                     f"{str(error).splitlines()[0] if str(error) else ''}")


def main(path):
    with open(path, encoding="utf-8") as handle:
        plan = json.load(handle)
    os.makedirs(plan["out"], exist_ok=True)
    plan_out[0] = plan["out"]
    # The personas at once, each in its own browser (the browsers wait on the server and
    # on each other's pages more than they compute).
    with ThreadPoolExecutor(max_workers=len(plan["personas"])) as pool:
        list(pool.map(lambda persona: walk(plan, persona), plan["personas"]))
    print(f"{len(failures)} checks failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip())
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
