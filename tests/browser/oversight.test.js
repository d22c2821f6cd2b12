// Supervision and the oversight pages in a browser: a team manager records a session with
// two children discussed and three actions; the worker sees their actions on My work and
// each child's record shows the oversight; the next session's form opens with the open
// actions, and an action carried over twice alerts the head of service on their My work.
// Every page visited is checked with axe-core (WCAG 2.2 AA rules).
//
// Needs: HEARTH_BIN (the hearth binary; default ../../target/release/hearth) and CHROMIUM
// (default /usr/bin/chromium). Run by .ci/browser.sh, with every other *.test.js here.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as support from "./support.js";
import { fixture, accessible } from "./support.js";

const password = "a long browser test password";

let dir, db, server, base, browser;

// The server reads the real clock, so these records are dated from now.
function at(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
}

function event(days, by, body) {
  return { occurred_at: at(days), recorded_at: at(days), recorded_by: by, event: body };
}

// Two children of SW1's (team TSC1, managed by TM1 under HOS1): the same records as
// crates/hearth/tests/web_oversight.rs.
function extraLines() {
  const referral = { type: "referral_received", source: "2A", primary_need: "N1", no_further_action: false };
  const allocated = {
    type: "worker_allocated", worker: "SW1", team: "TSC1", decided_by: "TM1",
    oversight: "Visit this week.", reason: "FCONTA",
  };
  return ["C70", "C71"].map((id) => JSON.stringify({
    stream: `child/${id}`,
    events: [
      event(-40, "staff/SW1", {
        type: "child_registered",
        details: { name: { given: `Child${id}`, family: "Oversight" }, sex: "F", date_of_birth: "2013-04-04", ethnicity: "WBRI" },
      }),
      event(-40, "staff/SW1", referral),
      event(-40, "staff/TM1", allocated),
    ],
  }) + "\n").join("");
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "hearth-browser-oversight-"));
  db = `sqlite://${join(dir, "hearth.db")}`;
  support.hearth(db, ["import", "journeys", fixture]);
  writeFileSync(join(dir, "extra.jsonl"), extraLines());
  support.hearth(db, ["import", "journeys", join(dir, "extra.jsonl")]);
  support.hearth(db, ["council", "promise", "--cases", "15"]);
  for (const [user, staff] of [["sw1", "SW1"], ["tm1", "TM1"], ["hos1", "HOS1"]]) {
    support.hearth(db, ["account", user, "--staff", staff], `${password}\n`);
  }
  ({ server, base } = await support.serve(db));
  browser = await support.launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function signedIn(user) {
  const page = await (await browser.newContext()).newPage();
  await support.signIn(page, base, user, password);
  return page;
}

function inDays(n) {
  const d = new Date(Date.now() + n * 86_400_000);
  return { day: String(d.getUTCDate()), month: String(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) };
}

async function action(page, prefix, text, owner, days) {
  const due = inDays(days);
  await page.fill(`#${prefix}-text`, text);
  await page.selectOption(`#${prefix}-owner`, owner);
  await page.fill(`#${prefix}-day`, due.day);
  await page.fill(`#${prefix}-month`, due.month);
  await page.fill(`#${prefix}-year`, due.year);
}

async function worker(page) {
  await page.fill("#workload", "Twelve children; manageable.");
  await page.fill("#wellbeing", "Well; leave booked.");
  await page.fill("#development", "Court skills training.");
}

test("a supervision session reaches the worker, the children, the next session and the head of service", async () => {
  const tm1 = await signedIn("tm1");
  await tm1.goto(`${base}/supervision`);
  await accessible(tm1, "the supervision list");
  await tm1.click('a[href="/supervision/SW1"]');
  await tm1.waitForURL(`${base}/supervision/SW1`);
  await accessible(tm1, "the supervision file and its form");

  // Bad input first: no workload. Refused, with the error summary, and checked again.
  await tm1.click("text=Record the session");
  assert.match(await tm1.content(), /There is a problem/);
  await accessible(tm1, "the session form with errors");

  await worker(tm1);
  await tm1.selectOption("#case1-child", "C70");
  await tm1.fill("#case1-update", "School attendance is up.");
  await tm1.fill("#case1-risks", "The new partner is not yet checked.");
  await tm1.fill("#case1-strengths", "Grandmother close by.");
  await tm1.fill("#case1-decision", "Keep the plan.");
  await tm1.fill("#case1-rationale", "Progress on every outcome.");
  await action(tm1, "case1-action1", "Visit the school", "SW1", 14);
  await action(tm1, "case1-action2", "Check the partner", "SW1", 14);
  await tm1.selectOption("#case2-child", "C71");
  await tm1.fill("#case2-update", "Settled at home.");
  await tm1.fill("#case2-risks", "None new.");
  await tm1.fill("#case2-strengths", "A strong aunt.");
  await action(tm1, "case2-action1", "Book the review", "TM1", 14);
  await tm1.click("text=Record the session");
  await tm1.waitForSelector("text=Session 1 recorded");
  await accessible(tm1, "the file after a session");

  // The worker sees their two actions on My work; both records show the oversight.
  const sw1 = await signedIn("sw1");
  const work = await sw1.content();
  assert.match(work, /My supervision actions \(2\)/);
  await accessible(sw1, "the worker's My work with supervision actions");
  for (const child of ["C70", "C71"]) {
    await sw1.goto(`${base}/children/${child}`);
    assert.match(await sw1.content(), /Strengths: /, child);
  }

  // Two more sessions, each carrying the school visit over; the others are done.
  for (const session of [2, 3]) {
    await tm1.goto(`${base}/supervision/SW1`);
    await tm1.check("#review-1-1-CARRIED_OVER");
    if (session === 2) {
      await tm1.check("#review-1-2-DONE");
      await tm1.check("#review-1-3-DONE");
    }
    await worker(tm1);
    await tm1.click("text=Record the session");
    await tm1.waitForSelector(`text=Session ${session} recorded`);
  }
  assert.match(await tm1.content(), /Repeated: carried over 2 times/);

  // The head of service, the supervisor's own manager, is alerted; and sees the service view.
  const hos1 = await signedIn("hos1");
  const hosWork = await hos1.content();
  assert.match(hosWork, /Repeated action/);
  assert.match(hosWork, /Visit the school/);
  await accessible(hos1, "the head of service's My work");
  await hos1.goto(`${base}/service`);
  assert.match(await hos1.content(), /The caseload promise is 15/);
  await accessible(hos1, "the service view");

  // The transfer and cover page.
  await tm1.goto(`${base}/children/C70/handover`);
  await accessible(tm1, "transfer and cover");
});
