// The head of service reads the performance digest with the keyboard alone: the scorecard,
// an indicator's chart and months, and the children behind a month's figure; a team manager
// sees the same pages marked partial; and the head of service asks for a return from its
// page. Every page is checked with axe-core (WCAG 2.2 AA rules). SCREENSHOTS=DIR keeps a picture of each page.
//
// Needs: HEARTH_BIN and CHROMIUM, as the other browser tests. Run by .ci/browser.sh.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as support from "./support.js";
import { fixture, accessible, tabTo, at, event } from "./support.js";

const password = "a long browser test password";
const shots = process.env.SCREENSHOTS;

let dir, db, server, base, browser;

function hearth(args, input) {
  return support.hearth(db, args, input);
}


// A child of team TSC1 referred two months ago and assessed since, so recent months have
// figures; and a team manager of another team, who may not see her.
function extraLines() {
  return [
    {
      stream: "staff/TM3",
      events: [event(-2000, "system/import", {
        type: "staff_joined", name: { given: "Test", family: "TM3" }, role: "TEAM_MANAGER",
        team: "TRA1", line_manager: "HOS1", registration: "SW900124",
      })],
    },
    {
      stream: "child/C91",
      events: [
        event(-60, "staff/SW1", {
          type: "child_registered",
          details: { name: { given: "Counted", family: "Carter" }, sex: "F", date_of_birth: "2014-02-02", ethnicity: "WBRI" },
        }),
        event(-60, "staff/SW1", { type: "referral_received", source: "2A", primary_need: "N1", no_further_action: false }),
        event(-60, "staff/TM1", {
          type: "worker_allocated", worker: "SW1", team: "TSC1", decided_by: "TM1",
          oversight: "Visit this week.", reason: "FCONTA",
        }),
        event(-59, "staff/SW1", { type: "assessment_started" }),
        event(-20, "staff/SW1", { type: "assessment_completed", factors: ["3B"], outcome: "CIN_PLAN" }),
      ],
    },
  ].map((l) => JSON.stringify(l) + "\n").join("");
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "hearth-browser-digest-"));
  db = `sqlite://${join(dir, "hearth.db")}`;
  hearth(["import", "journeys", fixture]);
  writeFileSync(join(dir, "extra.jsonl"), extraLines());
  hearth(["import", "journeys", join(dir, "extra.jsonl")]);
  for (const [user, staff] of [["hos1", "HOS1"], ["tm3", "TM3"]]) {
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

async function picture(page, name) {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

// Opens the digest from the menu, waiting out the first working-out if it is still running.
async function openDigest(page) {
  await tabTo(page, 'a.govuk-service-navigation__link[href="/digest"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/digest`);
  for (let i = 0; i < 100 && (await page.textContent("main")).includes("being worked out"); i++) {
    await new Promise((r) => setTimeout(r, 100));
    await page.reload();
  }
}

test("the head of service reads the digest down to the children behind a figure", async () => {
  const page = await (await browser.newContext()).newPage();
  await support.signIn(page, base, "hos1", password);
  await openDigest(page);
  assert.match(await page.textContent("h1"), /Performance digest/);
  assert.doesNotMatch(await page.textContent("main"), /Partial:/);
  await accessible(page, "the digest");
  await picture(page, "digest");

  await tabTo(page, 'a[href="/digest/open-cases"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/digest/open-cases`);
  assert.equal(await page.locator('svg[role="img"] title').count() >= 1, true);
  await accessible(page, "an indicator");
  await picture(page, "digest-indicator");

  // A month she was open at the end of lists her, with what counted.
  const completed = new Date(Date.now() - 20 * 86_400_000);
  const key = `${completed.getUTCFullYear()}-${String(completed.getUTCMonth() + 1).padStart(2, "0")}`;
  await tabTo(page, `a[href="/digest/open-cases/${key}"]`);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/digest/open-cases/${key}`);
  assert.equal(await page.locator('a[href="/children/C91"]').count(), 1);
  assert.match(await page.textContent("main"), / on \d+ \w+ \d{4} \((counted|met on time|fell due)\)|The record as it stood/);
  await accessible(page, "the children behind a figure");
  await picture(page, "digest-children");
});

test("a team manager's digest counts only their children and says so", async () => {
  const page = await (await browser.newContext()).newPage();
  await support.signIn(page, base, "tm3", password);
  await openDigest(page);
  assert.match(await page.textContent("main"), /Partial:/);
  await accessible(page, "the digest, partial");
  const completed = new Date(Date.now() - 20 * 86_400_000);
  const key = `${completed.getUTCFullYear()}-${String(completed.getUTCMonth() + 1).padStart(2, "0")}`;
  await page.goto(`${base}/digest/open-cases/${key}`);
  assert.match(await page.textContent("main"), /Partial: some children/);
  assert.equal(await page.locator('a[href="/children/C91"]').count(), 0);
  await accessible(page, "the children behind a figure, partial");
});

test("the head of service asks for a return from its page", async () => {
  const page = await (await browser.newContext()).newPage();
  await support.signIn(page, base, "hos1", password);
  await tabTo(page, 'a.govuk-service-navigation__link[href="/returns"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/returns`);
  await accessible(page, "the returns");
  await tabTo(page, "#build");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-error-summary");
  assert.match(await page.textContent(".govuk-error-summary"), /Select the return to build/);
  await accessible(page, "the returns, with an error");
  // A radio group is one Tab stop; the arrow keys choose within it.
  await tabTo(page, "#kind");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.isChecked("#kind-ssda903"), true);
  await tabTo(page, "#year");
  await page.keyboard.type("2025");
  await tabTo(page, "#build");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-notification-banner--success");
  await accessible(page, "the returns, building");
  await picture(page, "returns");
});
