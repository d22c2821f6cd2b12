// One child's journey, from a referral to a child protection plan, recorded through the
// forms in Debian's Chromium by a head of service, a team manager and a social worker, each
// signed in in a browser context of their own. The walk is the one crates/hearth/tests/
// web_journey.rs makes over HTTP: here it is done with the keyboard alone, every page it
// reaches is checked with axe-core, and "what is due" on the child's record is read after
// each step.
//
// Needs: HEARTH_BIN and CHROMIUM, as walk.test.js. Run by .ci/browser.sh.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, hearth, serve, launch, accessible, tabTo, signIn } from "./support.js";

const password = "a long browser journey password";
// New to the service: registered before the walk, with no referral yet.
const child = "C900";
const record = `/children/${child}`;

const ALLOCATE = "Allocate the child to a practitioner";
const STRATEGY = "Hold a strategy discussion";
const ICPC = "Hold the initial child protection conference";
const FIRST_CORE_GROUP = "Hold the first core group";
const CORE_GROUP = "Hold the core group";
const CP_VISIT = "Visit the child on a child protection plan";

let dir, db, server, base, browser;
let today;
const holidays = new Set();

// Dates are ISO strings; arithmetic is done at midnight UTC so no clock change moves a day.
function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function isWorkingDay(date) {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

// The working day `n` working days before today, as the Rust walk dates its steps: the
// record refuses meetings at weekends and on bank holidays.
function workingDaysAgo(n) {
  let date = today;
  let left = n;
  while (left > 0 || !isWorkingDay(date)) {
    date = addDays(date, -1);
    if (isWorkingDay(date)) left = Math.max(0, left - 1);
  }
  return date;
}

// The server's abbreviations (chrono's %b): the browser's en-GB locale writes "Sept".
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// The date `n` working days after `date`, written as the "what is due" panel writes it.
function workingDaysAfter(date, n) {
  let left = n;
  while (left > 0) {
    date = addDays(date, 1);
    if (isWorkingDay(date)) left -= 1;
  }
  const d = new Date(`${date}T00:00:00Z`);
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "hearth-journey-"));
  db = `sqlite://${join(dir, "hearth.db")}`;
  // Today as the server sees it, in England.
  today = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit",
  }).format(new Date());
  const year = Number(today.slice(0, 4));
  for (const y of [year - 1, year, year + 1]) {
    for (const d of hearth(db, ["calendar", "holidays", String(y)]).split("\n")) {
      if (d.trim()) holidays.add(d.trim());
    }
  }
  hearth(db, ["import", "journeys", fixture]);
  const registered = addDays(today, -40);
  const line = {
    stream: `child/${child}`,
    events: [{
      occurred_at: `${registered}T09:00:00Z`,
      recorded_at: `${registered}T09:00:00Z`,
      recorded_by: "system/import",
      event: {
        type: "child_registered",
        details: {
          name: { given: "Noor", family: "Halloway" },
          sex: "F",
          date_of_birth: "2019-03-14",
          ethnicity: "WBRI",
          disabilities: ["NONE"],
        },
      },
    }],
  };
  writeFileSync(join(dir, "child.jsonl"), JSON.stringify(line) + "\n");
  hearth(db, ["import", "journeys", join(dir, "child.jsonl")]);
  for (const [user, staff] of [["sw2", "SW2"], ["tm2", "TM2"], ["hos1", "HOS1"]]) {
    hearth(db, ["account", user, "--staff", staff], `${password}\n`);
  }
  ({ server, base } = await serve(db));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

// Signs in, in a browser context of the user's own, and finds the child by her family name.
async function user(name) {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, base, name, password);
  await accessible(page, `my work, as ${name}`);
  await tabTo(page, 'a[href="/search"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/search`);
  await accessible(page, `find a child, as ${name}`);
  await type(page, "#q", "Halloway");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  await accessible(page, `search results, as ${name}`);
  await tabTo(page, `a[href="${record}"]`);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}${record}`);
  await accessible(page, `the child's record, as ${name}`);
  return page;
}

// The text of the "what is due" panel: everything from its heading to the history's.
function duePanel(page) {
  return page.evaluate(() => {
    const parts = [];
    for (let n = document.getElementById("obligations"); n && n.id !== "history"; n = n.nextElementSibling) {
      parts.push(n.textContent);
    }
    return parts.join(" ").replace(/\s+/g, " ");
  });
}

// The due date the panel gives for an obligation, or null when it is not listed.
function dueDate(page, summary) {
  return page.evaluate((summary) => {
    for (let n = document.getElementById("obligations"); n && n.id !== "history"; n = n.nextElementSibling) {
      if (n.tagName !== "TABLE") continue;
      for (const row of n.querySelectorAll("tbody tr")) {
        const cells = row.querySelectorAll("td");
        if (cells[0]?.firstChild?.textContent.includes(summary)) return cells[1].textContent.trim();
      }
    }
    return null;
  }, summary);
}

async function entries(page) {
  const text = await page.textContent("#history + p");
  return Number(text.match(/of (\d+) entries/)[1]);
}

// Picks an answer from radios (moving through the group with the arrow keys, as a keyboard
// user does) or from a select.
async function choose(page, name, value) {
  const first = `[name="${name}"]`;
  await tabTo(page, first);
  const kind = await page.evaluate(() => document.activeElement.tagName);
  if (kind === "SELECT") {
    for (let i = 0; i < 200; i++) {
      if (await page.evaluate(() => document.activeElement.value) === value) return;
      await page.keyboard.press("ArrowDown");
    }
    assert.fail(`${value} is not among the choices for ${name}`);
  }
  if (!await page.evaluate(() => document.activeElement.checked)) await page.keyboard.press("Space");
  for (let i = 0; i < 30; i++) {
    if (await page.evaluate(() => document.activeElement.value) === value) return;
    await page.keyboard.press("ArrowDown");
  }
  assert.fail(`${value} is not among the choices for ${name}`);
}

async function tick(page, name, value) {
  await tabTo(page, `[name="${name}"][value="${value}"]`);
  await page.keyboard.press("Space");
  assert.ok(await page.evaluate(() => document.activeElement.checked), `${name} ${value} ticked`);
}

async function type(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.type(text);
}

// Fills in when it happened, `daysAgo` working days ago at ten.
async function when(page, daysAgo) {
  const [year, month, day] = workingDaysAgo(daysAgo).split("-").map(Number);
  await type(page, "#day", String(day));
  await type(page, "#month", String(month));
  await type(page, "#year", String(year));
  await type(page, "#time", "10:00");
}

async function save(page) {
  await tabTo(page, "#save");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
}

// Where a form is: allocation has one page, with each worker's caseload.
function address(slug) {
  return slug === "allocation" ? `${record}/allocate` : `${record}/record/${slug}`;
}

// Whether the record's "Record something" page offers a form, looked at in a tab of its own
// so the page in hand stays where it is.
async function offers(page, slug) {
  const menu = await page.context().newPage();
  await menu.goto(`${base}${record}/record`);
  const found = await menu.$(`a[href="${address(slug)}"]`);
  await menu.close();
  return found !== null;
}

// From the child's record, "Record something" and then the form, with the keyboard.
async function open(page, slug) {
  // Fresh, as another user may have recorded since this page was drawn.
  await page.goto(`${base}${record}`);
  await tabTo(page, `a[href="${record}/record"]`);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}${record}/record`);
  await accessible(page, "record something");
  await tabTo(page, `a[href="${address(slug)}"]`);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}${address(slug)}`);
  await accessible(page, `the ${slug} form`);
}

// Records a step from the child's record and expects the record back with the banner.
async function recorded(page, slug, daysAgo, fill, banner) {
  await open(page, slug);
  await when(page, daysAgo);
  await fill();
  await save(page);
  await saved(page, slug, banner);
}

async function saved(page, slug, banner) {
  await page.waitForSelector(".govuk-notification-banner--success");
  assert.match(await page.textContent(".govuk-notification-banner--success"), new RegExp(banner));
  assert.equal(new URL(page.url()).pathname, record);
  await accessible(page, `the child's record after ${slug}`);
}

const nothing = async () => {};

test("a child's journey from a referral to a protection plan, with the keyboard alone", async () => {
  // Before a referral opens a case only those who oversee the whole service see a new
  // child: the head of service takes the referral.
  const hos = await user("hos1");
  assert.ok(!(await duePanel(hos)).includes(ALLOCATE));
  assert.ok(await offers(hos, "referral"));
  await recorded(hos, "referral", 21, async () => {
    await choose(hos, "source", "6");
    await choose(hos, "primary_need", "N1");
    await choose(hos, "no_further_action", "no");
    await type(hos, "#summary", "Police attended a domestic incident; Noor was present.");
  }, "Referral recorded");
  assert.ok((await duePanel(hos)).includes(ALLOCATE));
  assert.ok(!(await offers(hos, "referral")), "a second referral is not offered");
  assert.ok(await offers(hos, "allocation"));

  // Waiting for a worker, the child is open to team managers, who allocate.
  const tm = await user("tm2");
  assert.match(await tm.textContent("main"), /waiting for a worker and you are a manager/);
  // Allocation is made on its own page, now, and lands on the team view with the banner.
  await open(tm, "allocation");
  await choose(tm, "worker", "SW2");
  await choose(tm, "reason", "FCONTA");
  await type(tm, "#oversight", "Assess within the timescale; speak to the school first.");
  await save(tm);
  assert.match(await tm.textContent(".govuk-notification-banner--success"), /Noor Halloway allocated/);
  await tm.goto(`${base}${record}`);
  assert.ok(!(await duePanel(tm)).includes(ALLOCATE));

  // The allocated worker now has the child on her caseload.
  const sw = await user("sw2");
  assert.match(await sw.textContent("main"), /you are the allocated worker/);
  assert.ok(!(await offers(sw, "allocation")), "a social worker does not allocate");

  await recorded(sw, "assessment-started", 20, nothing, "Assessment start recorded");
  await recorded(sw, "assessment-child-seen", 19, nothing, "Child seen for the assessment recorded");
  assert.ok(!(await offers(sw, "assessment-child-seen")), "seen once is enough");

  await recorded(sw, "concern", 18, async () => {
    await type(sw, "#summary", "Bruising seen on Noor's arm during the visit.");
  }, "Concern recorded");
  assert.ok((await duePanel(sw)).includes(STRATEGY));
  assert.ok(!(await duePanel(sw)).includes(ICPC));

  // The team manager holds the strategy discussion: the conference is then due within 15
  // working days of it.
  await recorded(tm, "strategy-discussion", 17, async () => {
    await tick(tm, "agencies", "SOCIAL_CARE");
    await tick(tm, "agencies", "POLICE");
    await tick(tm, "agencies", "HEALTH");
    await choose(tm, "decision", "S47");
  }, "Strategy discussion recorded");
  assert.ok(!(await duePanel(tm)).includes(STRATEGY));
  assert.equal(await dueDate(tm, ICPC), workingDaysAfter(workingDaysAgo(17), 15));

  // A plan before any conference: refused with the rule in plain words, the date typed is
  // kept, and nothing is written. The form is not offered, so it is opened by its address.
  await sw.goto(`${base}${record}`);
  const before = await entries(sw);
  await sw.goto(`${base}${record}/record/cp-plan-started`);
  await accessible(sw, "the cp-plan-started form, not offered");
  await when(sw, 16);
  await save(sw);
  await sw.waitForSelector(".govuk-error-summary");
  assert.match(
    await sw.textContent(".govuk-error-summary"),
    /This cannot be recorded: a child protection plan starts only from an initial conference that decided on one/,
  );
  assert.equal(await sw.inputValue("#day"), String(Number(workingDaysAgo(16).slice(8))));
  await accessible(sw, "the refused cp-plan-started form");
  await tabTo(sw, ".govuk-back-link", 20);
  await sw.keyboard.press("Enter");
  await sw.waitForURL(`${base}${record}`);
  assert.equal(await entries(sw), before);

  await recorded(sw, "section-47-started", 17, nothing, "Section 47 enquiry start recorded");

  // A missing answer is named in the error summary and the other answers are kept; the
  // form is then finished from the error page.
  await open(sw, "section-47-completed");
  await when(sw, 10);
  await choose(sw, "outcome", "SUBSTANTIATED_RISK");
  await save(sw);
  await sw.waitForSelector(".govuk-error-summary");
  assert.match(await sw.textContent('.govuk-error-summary a[href="#conference_needed"]'), /Select whether a conference is needed/);
  assert.ok(await sw.isChecked('[name="outcome"][value="SUBSTANTIATED_RISK"]'));
  await accessible(sw, "the section-47-completed form, with an answer missing");
  await choose(sw, "conference_needed", "yes");
  await save(sw);
  await saved(sw, "section-47-completed", "Section 47 outcome recorded");
  assert.ok((await duePanel(sw)).includes(ICPC));

  await recorded(sw, "initial-conference", 8, async () => {
    await choose(sw, "transfer_in", "no");
    await choose(sw, "outcome", "CP_PLAN");
    await choose(sw, "category", "PHY");
  }, "Initial child protection conference recorded");
  assert.ok(!(await duePanel(sw)).includes(ICPC));
  assert.ok(!(await duePanel(sw)).includes(FIRST_CORE_GROUP));
  assert.ok(await offers(sw, "cp-plan-started"));

  // The plan starts: the first core group and the first visit are due within 10 working days.
  await recorded(sw, "cp-plan-started", 8, nothing, "Child protection plan start recorded");
  assert.match(await sw.textContent("main"), /Child protection plan since/);
  const planStart = workingDaysAgo(8);
  assert.equal(await dueDate(sw, FIRST_CORE_GROUP), workingDaysAfter(planStart, 10));
  const firstVisitDue = await dueDate(sw, CP_VISIT);
  assert.equal(firstVisitDue, workingDaysAfter(planStart, 10));

  await recorded(sw, "core-group", 5, nothing, "Core group meeting recorded");
  assert.ok(!(await duePanel(sw)).includes(FIRST_CORE_GROUP));
  assert.ok((await duePanel(sw)).includes(CORE_GROUP));

  // A visit that sees the child alone meets the visit due; the next is due later.
  await recorded(sw, "visit", 2, async () => {
    await choose(sw, "visit_kind", "STATUTORY");
    await choose(sw, "child_seen", "yes");
    await choose(sw, "seen_alone", "yes");
    await choose(sw, "bedroom_seen", "yes");
    await type(sw, "#purpose", "A statutory visit under the plan.");
    await type(sw, "#what_seen", "Noor at home, calm, her room tidy.");
    await type(sw, "#child_said", "I feel safer now that it is quiet at night.");
    await type(sw, "#next_steps", "Visit again within ten working days.");
  }, "Visit recorded");
  const nextVisitDue = await dueDate(sw, CP_VISIT);
  assert.ok(nextVisitDue);
  assert.notEqual(nextVisitDue, firstVisitDue);

  // Oversight is a manager's: not offered to the worker.
  assert.ok(!(await offers(sw, "oversight")));
  await recorded(tm, "oversight", 1, async () => {
    await type(tm, "#text", "Plan is in place; core group to track school attendance.");
  }, "Management oversight recorded");
});
