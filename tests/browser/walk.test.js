// A social worker and a team manager use Hearth in Debian's Chromium, with the keyboard
// alone, and every page they visit is checked with axe-core (WCAG 2.2 AA rules).
//
// Needs: HEARTH_BIN (the hearth binary; default ../../target/release/hearth) and CHROMIUM
// (default /usr/bin/chromium). Run by .ci/browser.sh.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, hearth as run, serve, launch, accessible, tabTo, signIn as signInAs } from "./support.js";

const password = "a long browser test password";

let dir, db, server, base, browser;

function hearth(args, input) {
  return run(db, args, input);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "hearth-browser-"));
  db = `sqlite://${join(dir, "hearth.db")}`;
  hearth(["import", "journeys", fixture]);
  // The fixture's first child has no social worker now: allocate one, as the Rust web
  // tests do, so that she is on a caseload.
  const c1 = readFileSync(fixture, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .filter((j) => j.stream === "child/C1")
    .reduce((n, j) => n + j.events.length, 0);
  const line = {
    stream: "child/C1",
    from_version: c1 + 1,
    events: [{
      occurred_at: "2026-07-02T09:00:00Z",
      recorded_at: "2026-07-02T09:00:00Z",
      recorded_by: "staff/TM2",
      event: {
        type: "worker_allocated", worker: "SW2", team: "TLA1", decided_by: "TM2",
        oversight: "Back to her social worker while she settles.", reason: "TSPROC",
      },
    }],
  };
  writeFileSync(join(dir, "allocation.jsonl"), JSON.stringify(line) + "\n");
  hearth(["import", "journeys", join(dir, "allocation.jsonl")]);
  for (const [user, staff] of [["sw2", "SW2"], ["tm2", "TM2"]]) {
    hearth(["account", user, "--staff", staff], `${password}\n`);
  }
  ({ server, base } = await serve(db));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(page, user) {
  await signInAs(page, base, user, password);
}

test("a social worker records a visit with the keyboard alone", async () => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "sw2");
  assert.match(await page.textContent("h1"), /My work/);
  await accessible(page, "my work");

  await tabTo(page, 'a[href="/children/C1"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/children/C1`);
  await accessible(page, "child's record");
  const before = await page.textContent("#history + p");

  await tabTo(page, 'a[href="/children/C1/record"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/children/C1/record`);
  await accessible(page, "record something");
  await tabTo(page, 'a[href="/children/C1/record/visit"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/children/C1/record/visit`);
  await accessible(page, "record a visit");

  // Saving with nothing filled in shows the error summary, which is itself accessible.
  await tabTo(page, "#save");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-error-summary");
  await accessible(page, "record a visit, with errors");

  await tabTo(page, "#day");
  await page.keyboard.type("2");
  await tabTo(page, "#month");
  await page.keyboard.type("11");
  await tabTo(page, "#year");
  await page.keyboard.type("2026");
  await tabTo(page, "#visit_kind");
  await page.keyboard.press("Space");
  await tabTo(page, "#child_seen");
  await page.keyboard.press("Space");
  await tabTo(page, "#seen_alone");
  await page.keyboard.press("Space");
  await tabTo(page, "#purpose");
  await page.keyboard.type("A statutory visit.");
  await tabTo(page, "#what_seen");
  await page.keyboard.type("The child at home, cheerful.");
  await tabTo(page, "#next_steps");
  await page.keyboard.type("Visit again as planned.");
  await tabTo(page, "#save");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-notification-banner--success");
  await accessible(page, "child's record after recording");
  assert.notEqual(await page.textContent("#history + p"), before);

  await page.goto(`${base}/search?q=Ashdown`);
  await accessible(page, "search");
  await page.goto(`${base}/children/C999`);
  await accessible(page, "not found");
});

test("search results follow the typing, and the count is announced", async () => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "sw2");
  await page.goto(`${base}/search`);
  await tabTo(page, "#q");
  await page.keyboard.type("Ashdwn");
  // No Enter: the results arrive as the worker types, spelling slip and all.
  await page.waitForSelector('#search-results a[href="/children/C1"]');
  assert.match(await page.textContent("#search-status"), /you can see/);
  assert.match(page.url(), /\/search\?q=Ashdwn$/);
  await accessible(page, "live search results");
});

test("a team manager records oversight with the keyboard alone", async () => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "tm2");
  await accessible(page, "my team's work");
  await tabTo(page, 'a[href="/team"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/team`);
  await accessible(page, "team");
  await page.goto(`${base}/children/C1/record`);
  await tabTo(page, 'a[href="/children/C1/record/oversight"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/children/C1/record/oversight`);
  await accessible(page, "record oversight");
  await tabTo(page, "#day");
  await page.keyboard.type("4");
  await tabTo(page, "#month");
  await page.keyboard.type("11");
  await tabTo(page, "#year");
  await page.keyboard.type("2026");
  await tabTo(page, "#text");
  await page.keyboard.type("Review the pathway plan with her this month.");
  await tabTo(page, "#save");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-notification-banner--success");
  assert.match(await page.textContent(".govuk-notification-banner--success"), /Management oversight recorded/);

  // The case file's oversight page shows what was just written, reached from the record by
  // keyboard; every page of the case file passes the accessibility rules.
  await tabTo(page, 'a[href="/children/C1/file/oversight"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/children/C1/file/oversight`);
  await accessible(page, "case file: oversight");
  assert.match(await page.textContent("main"), /Review the pathway plan with her this month\./);
  for (const part of ["chronology", "plans", "visits", "meetings", "assessments", "notes"]) {
    await page.goto(`${base}/children/C1/file/${part}`);
    await accessible(page, `case file: ${part}`);
  }
});

test("the child's own words, recorded with the keyboard, open the record", async () => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "sw2");
  await page.goto(`${base}/children/C1/record`);
  await tabTo(page, 'a[href="/children/C1/record/childs-words"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/children/C1/record/childs-words`);
  await accessible(page, "record the child's own words");

  // Nothing typed: each missing answer is named, and the page stays accessible.
  await tabTo(page, "#save");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-error-summary");
  assert.match(await page.textContent(".govuk-error-summary"), /Enter the child's words/);
  await accessible(page, "record the child's own words, with errors");

  await tabTo(page, "#words");
  await page.keyboard.type("I want to stay at my school with my friends.");
  await tabTo(page, "#gathered");
  await page.keyboard.press("Space");
  await tabTo(page, "#save");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".govuk-notification-banner--success");
  assert.match(await page.textContent("#childs-words"), /I want to stay at my school with my friends\./);
  await accessible(page, "the child's record with the practice at the top");

  // The write-up of an assessment and a manager's decision open too, and pass the rules.
  await page.goto(`${base}/children/C1/record/assessment-written`);
  await accessible(page, "write up the assessment");
  const manager = await (await browser.newContext()).newPage();
  await signIn(manager, "tm2");
  await manager.goto(`${base}/children/C1/record/assessment-decision`);
  await accessible(manager, "authorise or return a written assessment");
});
