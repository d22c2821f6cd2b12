// Issue 12's pages in Debian's Chromium: registering a child whose contact came in the
// night, "what is due" changing the moment a save lands, the record opening on its alerts,
// and every page fitting a 375-pixel phone without scrolling sideways, each page checked
// with axe-core (WCAG 2.2 AA rules). Screenshots of the phone pages are left in
// HEARTH_SCREENSHOTS when it is set, to look at.
//
// Needs: HEARTH_BIN and CHROMIUM, as the other browser tests. Run by .ci/browser.sh.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, hearth as run, serve, launch, accessible, tabTo, signIn as signInAs } from "./support.js";

const password = "a long browser phone password";
const ALLOCATE = "Allocate the child to a practitioner";
const phone = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true };

let dir, db, server, base, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "hearth-browser-"));
  db = `sqlite://${join(dir, "hearth.db")}`;
  run(db, ["import", "journeys", fixture]);
  const admin = {
    stream: "staff/ADMIN1",
    events: [{
      occurred_at: "2021-01-04T09:00:00Z", recorded_at: "2021-01-04T09:00:00Z", recorded_by: "system/import",
      event: { type: "staff_joined", name: { given: "Test", family: "ADMIN1" }, role: "ADMINISTRATOR", team: "TLDR" },
    }],
  };
  writeFileSync(join(dir, "admin.jsonl"), JSON.stringify(admin) + "\n");
  run(db, ["import", "journeys", join(dir, "admin.jsonl")]);
  for (const [user, staff] of [["sw2", "SW2"], ["tm2", "TM2"], ["hos1", "HOS1"], ["admin1", "ADMIN1"]]) {
    run(db, ["account", user, "--staff", staff], `${password}\n`);
  }
  ({ server, base } = await serve(db));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function user(name, options = {}) {
  const page = await (await browser.newContext(options)).newPage();
  await signInAs(page, base, name, password);
  return page;
}

// Today and yesterday in England, as the server dates them: [day, month, year].
function londonDate(offsetDays) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", day: "numeric", month: "numeric", year: "numeric" })
    .formatToParts(d);
  const get = (t) => parts.find((p) => p.type === t).value;
  return [String(Number(get("day"))), String(Number(get("month"))), get("year")];
}

async function replace(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text);
}

async function duePanel(page) {
  return page.evaluate(() => {
    const start = document.getElementById("obligations");
    const end = document.getElementById("history");
    let text = "";
    for (let n = start; n && n !== end; n = n.nextElementSibling) text += n.textContent;
    return text;
  });
}

// From the child's record, "Record something", then the form, with the keyboard.
async function openForm(page, record, href) {
  await page.goto(`${base}${record}`);
  await tabTo(page, `a[href="${record}/record"]`);
  await Promise.all([page.waitForURL(`${base}${record}/record`), page.keyboard.press("Enter")]);
  await accessible(page, "record something");
  await tabTo(page, `a[href="${href}"]`);
  await Promise.all([page.waitForURL(`${base}${href}`), page.keyboard.press("Enter")]);
  await accessible(page, href);
}

let registered;

test("a child is registered with a contact made in the night, and what is due follows each save at once", async () => {
  const sw = await user("sw2");
  await tabTo(sw, 'a[href="/children/new"]');
  await Promise.all([sw.waitForURL(`${base}/children/new`), sw.keyboard.press("Enter")]);
  // The contact's date and time open on now.
  const [d, m, y] = londonDate(0);
  assert.equal(await sw.inputValue("#contact-day"), d);
  await accessible(sw, "new child");
  await replace(sw, "#given", "Ines");
  await replace(sw, "#family", "Nightingale-Oyelaran");
  await tabTo(sw, "#born");
  await sw.keyboard.press("Space");
  await replace(sw, "#day", "9");
  await replace(sw, "#month", "6");
  await replace(sw, "#year", "2016");
  await tabTo(sw, "#sex");
  await sw.keyboard.press("ArrowRight");
  await tabTo(sw, "#source");
  await sw.selectOption("#source", "6");
  const [yd, ym, yy] = londonDate(-1);
  await replace(sw, "#contact-day", yd);
  await replace(sw, "#contact-month", ym);
  await replace(sw, "#contact-year", yy);
  await replace(sw, "#contact-time", "03:40");
  await tabTo(sw, "#outcome");
  await sw.keyboard.press("Space");
  await replace(sw, "#summary", "Police called at 03:40: Ines found walking alone near the station.");
  await tabTo(sw, "#save");
  await Promise.all([sw.waitForURL(/\/children\/C\d{7}$/), sw.keyboard.press("Enter")]);
  registered = new URL(sw.url()).pathname;
  await accessible(sw, "the new child's record");
  assert.match(await sw.textContent("#history ~ table"), /Police called at 03:40/);

  // A referral at 03:55 the night of the contact is accepted: the record starts then.
  await openForm(sw, registered, `${registered}/record/referral`);
  await replace(sw, "#day", yd);
  await replace(sw, "#month", ym);
  await replace(sw, "#year", yy);
  await replace(sw, "#time", "03:55");
  await tabTo(sw, '[name="source"]');
  await sw.selectOption("#source", "6");
  await sw.check('[name="primary_need"][value="N1"]');
  await sw.check('[name="no_further_action"][value="no"]');
  await tabTo(sw, "#save");
  await Promise.all([sw.waitForNavigation(), sw.keyboard.press("Enter")]);
  assert.match(await sw.textContent(".govuk-notification-banner--success"), /Referral recorded/);
  assert.ok((await duePanel(sw)).includes(ALLOCATE), await duePanel(sw));
  assert.doesNotMatch(await duePanel(sw), /Record every event/);

  // The manager allocates; the record no longer asks for it, at once.
  const tm = await user("tm2");
  await tm.goto(`${base}${registered}/allocate`);
  await accessible(tm, "allocate");
  await tm.check('[name="worker"][value="SW2"]');
  await tm.fill("#oversight", "Visit today; speak to the school first.");
  await Promise.all([tm.waitForURL(/\/team/), tm.click("#save")]);
  assert.match(await tm.textContent(".govuk-notification-banner--success"), /allocated/);
  await sw.goto(`${base}${registered}`);
  assert.ok(!(await duePanel(sw)).includes(ALLOCATE), await duePanel(sw));
});

test("the record opens on its alerts, on a phone and on a desktop", async () => {
  const hos = await user("hos1");
  await openForm(hos, "/children/C3", "/children/C3/record/missing-started");
  await hos.check('[name="kind"][value="M"]');
  await Promise.all([hos.waitForNavigation(), hos.click("#save")]);
  for (const options of [phone, { viewport: { width: 1280, height: 800 } }]) {
    const page = await user("hos1", options);
    await page.goto(`${base}/children/C3`);
    const alert = await page.locator(".govuk-warning-text", { hasText: "Missing since" }).boundingBox();
    const height = page.viewportSize().height;
    assert.ok(alert && alert.y + alert.height <= height, `the alert is in the first screen: ${JSON.stringify(alert)} of ${height}`);
    await accessible(page, "the record with an alert");
  }
});

// Whether the page is wider than the screen, and what sticks out.
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const wide = [...document.querySelectorAll("main *")]
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .slice(0, 3)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`);
    return `${document.documentElement.scrollWidth}px wide: ${wide.join("; ")}`;
  });
}

async function fits(page, href, what = href) {
  const response = await page.goto(`${base}${href}`);
  assert.ok([200, 404].includes(response.status()), `${href}: ${response.status()}`);
  assert.equal(await overflow(page), null, `${what} at 375 px`);
  await accessible(page, `${what} at 375 px`);
  if (process.env.HEARTH_SCREENSHOTS) {
    const name = href.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "my_work";
    await page.screenshot({ path: join(process.env.HEARTH_SCREENSHOTS, `${name}.png`), fullPage: true });
  }
}

test("every page fits a 375-pixel phone without scrolling sideways", async () => {
  const hos = await user("hos1", phone);
  await fits(hos, "/", "my work");
  for (const href of ["/team", "/reviewing", "/search?q=Ashdown", "/children/new", "/children/C999"]) {
    await fits(hos, href);
  }
  const children = ["C1", "C2", "C3", "C4", "C5", registered].filter(Boolean);
  for (const child of children) {
    const record = child.startsWith("/") ? child : `/children/${child}`;
    await fits(hos, record);
    await fits(hos, `${record}?history=2`);
    await fits(hos, `${record}/record`);
    const hrefs = await hos.$$eval("main a[href]", (as) => as.map((a) => a.getAttribute("href")));
    for (const href of [...new Set(hrefs)].filter((h) => h.startsWith(`${record}/`))) {
      await fits(hos, href);
    }
    for (const part of ["chronology", "plans", "visits", "meetings", "assessments", "notes", "oversight"]) {
      await fits(hos, `${record}/file/${part}`);
    }
  }
  const tm = await user("tm2", phone);
  await fits(tm, "/", "my team's work");
  await fits(tm, "/team", "the team view");
  const sw = await user("sw2", phone);
  await fits(sw, "/", "a social worker's my work");
  // An administrator lands on the accounts page.
  const admin = await (await browser.newContext(phone)).newPage();
  await admin.goto(`${base}/sign-in`);
  await admin.fill("#username", "admin1");
  await admin.fill("#password", password);
  await Promise.all([admin.waitForURL(`${base}/accounts`), admin.press("#password", "Enter")]);
  await fits(admin, "/accounts", "accounts");
});
