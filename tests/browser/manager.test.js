// A team manager allocates and authorises from the team view, a reviewing officer opens
// their page, and a social worker registers a child past the duplicate warning: with the
// keyboard alone, and every page visited checked with axe-core (WCAG 2.2 AA rules).
//
// Needs: HEARTH_BIN (the hearth binary; default ../../target/release/hearth) and CHROMIUM
// (default /usr/bin/chromium). Run by .ci/browser.sh, with every other *.test.js here.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as support from "./support.js";
import { fixture, accessible, tabTo, at, event } from "./support.js";

const password = "a long browser test password";

let dir, db, server, base, browser;

function hearth(args, input) {
  return support.hearth(db, args, input);
}


function registered(given, family, born) {
  return {
    type: "child_registered",
    details: { name: { given, family }, sex: "M", date_of_birth: born, ethnicity: "NOBT" },
  };
}

// A child waiting for a worker, one with an assessment to authorise, one looked after and
// reviewed by a second reviewing officer: the same records as crates/hearth/tests/web_manager.rs.
function extraLines() {
  const referral = { type: "referral_received", source: "2A", primary_need: "N1", no_further_action: false };
  const allocated = {
    type: "worker_allocated", worker: "SW2", team: "TLA1", decided_by: "TM2",
    oversight: "Visit this week.", reason: "FCONTA",
  };
  return [
    {
      stream: "staff/RO2",
      events: [event(-2000, "system/import", {
        type: "staff_joined", name: { given: "Test", family: "RO2" }, role: "REVIEWING_OFFICER",
        team: "TIRO", line_manager: "HOS1", registration: "SW900123",
      })],
    },
    {
      stream: "child/C90",
      events: [
        event(-3, "staff/SW2", registered("Waiting", "Walker", "2016-05-01")),
        event(-3, "staff/SW2", referral),
      ],
    },
    {
      stream: "child/C91",
      events: [
        event(-30, "staff/SW2", registered("Assessed", "Archer", "2014-02-02")),
        event(-30, "staff/SW2", referral),
        event(-30, "staff/TM2", allocated),
        event(-29, "staff/SW2", { type: "assessment_started" }),
        event(-5, "staff/SW2", { type: "assessment_completed", factors: ["3B"], outcome: "CIN_PLAN" }),
      ],
    },
    {
      stream: "child/C92",
      events: [
        event(-60, "staff/SW2", registered("Reviewed", "Rowe", "2012-09-09")),
        event(-60, "staff/SW2", referral),
        event(-60, "staff/TM2", allocated),
        event(-40, "staff/SW2", {
          type: "episode_started", reason: "S", legal_status: "L1", placement: "U6", category_of_need: "N1",
          provider: "PR1", urn: "SC400001", home_postcode: "BR1 3UH", placement_postcode: "BR2 9AF",
        }),
        event(-3, "staff/RO2", { type: "cla_review_held", participation: "PN1" }),
        event(-2, "staff/RO2", { type: "document_shared", document: "REVIEW_RECOMMENDATIONS", audiences: ["TEAM_MANAGER"] }),
        event(-1, "staff/RO2", { type: "meeting_scheduled", meeting: "CLA_REVIEW", at: at(60) }),
      ],
    },
  ].map((l) => JSON.stringify(l) + "\n").join("");
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "hearth-browser-manager-"));
  db = `sqlite://${join(dir, "hearth.db")}`;
  hearth(["import", "journeys", fixture]);
  writeFileSync(join(dir, "extra.jsonl"), extraLines());
  hearth(["import", "journeys", join(dir, "extra.jsonl")]);
  for (const [user, staff] of [["sw2", "SW2"], ["tm2", "TM2"], ["ro2", "RO2"]]) {
    hearth(["account", user, "--staff", staff], `${password}\n`);
  }
  ({ server, base } = await support.serve(db));
  browser = await support.launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

function signIn(page, user) {
  return support.signIn(page, base, user, password);
}

test("a team manager allocates and authorises from the team view", async () => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "tm2");
  await tabTo(page, 'a[href="/team"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/team`);
  await accessible(page, "team, with its queues");

  await tabTo(page, 'a[href="/children/C90/allocate"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/children/C90/allocate`);
  await accessible(page, "allocate");
  await tabTo(page, "#save");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-error-summary");
  await accessible(page, "allocate, with errors");
  await tabTo(page, "#worker");
  await page.keyboard.press("Space");
  await tabTo(page, "#oversight");
  await page.keyboard.type("Visit today; speak to the school first.");
  await tabTo(page, "#save");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-notification-banner--success");
  assert.match(await page.textContent(".govuk-notification-banner--success"), /Waiting Walker allocated/);
  await accessible(page, "team, after allocating");

  await tabTo(page, 'form[action="/children/C91/authorise-assessment"] button');
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-notification-banner--success");
  assert.match(await page.textContent(".govuk-notification-banner--success"), /Assessment authorised/);

  // The assessment found a plan is needed: nothing waits for authorisation any more, and
  // the episode is not one that could close. Oversight is recorded from the record.
  assert.match(await page.textContent("#authorisation"), /Waiting for your authorisation \(0\)/);
  await page.goto(`${base}/children/C91`);
  await tabTo(page, 'a[href="/children/C91/record"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/children/C91/record`);
  await tabTo(page, 'a[href="/children/C91/record/oversight"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/children/C91/record/oversight`);
  await accessible(page, "oversight from the record");
});

test("a reviewing officer opens their page", async () => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "ro2");
  await tabTo(page, 'a[href="/reviewing"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/reviewing`);
  assert.match(await page.textContent("main"), /Reviewed Rowe/);
  await accessible(page, "conferences and reviews");
});

test("a social worker registers a child past the duplicate warning", async () => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "sw2");
  await tabTo(page, 'a[href="/children/new"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/children/new`);
  await accessible(page, "new child");
  await tabTo(page, "#given");
  await page.keyboard.type("Jasmin");
  await tabTo(page, "#family");
  await page.keyboard.type("Ashdon");
  await tabTo(page, "#born");
  await page.keyboard.press("Space");
  await tabTo(page, "#day");
  await page.keyboard.type("14");
  await tabTo(page, "#month");
  await page.keyboard.type("3");
  await tabTo(page, "#year");
  await page.keyboard.type("2008");
  await tabTo(page, "#sex");
  await page.keyboard.press("ArrowRight");
  await tabTo(page, "#source");
  await page.selectOption("#source", "2A");
  await tabTo(page, "#outcome");
  await page.keyboard.press("Space");
  await tabTo(page, "#save");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-warning-text");
  await accessible(page, "new child, possible duplicates");
  await tabTo(page, "#different");
  await page.keyboard.press("Space");
  await tabTo(page, "#save");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/children\/C\d{7}$/);
  await accessible(page, "the new child's record");
});
