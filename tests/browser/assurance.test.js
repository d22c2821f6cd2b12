// The QA lead's month in the browser: run the selection, assign an auditor, audit as the
// auditor (grades, evidence, a finding, a safety concern, an improvement action), the
// worker's reflection and the family's feedback, a blind regrade and moderation, the PRIM;
// then the action on its owner's My work, the concern on the team manager's and the
// director's, the audit on the reviewing officer's page and the child's record. Every new
// page is checked with axe-core (WCAG 2.2 AA rules). The records are those of
// crates/hearth/tests/web_assurance.rs.
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

function hearth(args, input) {
  return support.hearth(db, args, input);
}

// The server reads the real clock, so these records are dated from now.
function at(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
}

function day(days) {
  return at(days).slice(0, 10);
}

function event(days, by, body) {
  return { occurred_at: at(days), recorded_at: at(days), recorded_by: by, event: body };
}

function joined(id, role) {
  return {
    stream: `staff/${id}`,
    events: [event(-2000, "system/import", {
      type: "staff_joined", name: { given: "Test", family: id }, role, team: "TLDR", line_manager: "HOS1",
    })],
  };
}

function extraLines() {
  return [
    joined("QA1", "QA_LEAD"),
    joined("QA2", "QA_LEAD"),
    joined("AD1", "ASSISTANT_DIRECTOR"),
    {
      stream: "child/C70",
      events: [
        event(-100, "staff/SW1", {
          type: "child_registered",
          details: { name: { given: "Audited", family: "Ashby" }, sex: "F", date_of_birth: "2015-04-04", ethnicity: "WBRI" },
        }),
        event(-100, "staff/SW1", { type: "referral_received", source: "2A", primary_need: "N1", no_further_action: false }),
        event(-100, "staff/TM1", {
          type: "worker_allocated", worker: "SW1", team: "TSC1", decided_by: "TM1",
          oversight: "Visit this week.", reason: "FCONTA",
        }),
      ],
    },
  ].map((l) => JSON.stringify(l) + "\n").join("");
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "hearth-browser-assurance-"));
  db = `sqlite://${join(dir, "hearth.db")}`;
  hearth(["import", "journeys", fixture]);
  writeFileSync(join(dir, "extra.jsonl"), extraLines());
  hearth(["import", "journeys", join(dir, "extra.jsonl")]);
  for (const [user, staff] of [
    ["qa1", "QA1"], ["qa2", "QA2"], ["ad1", "AD1"], ["sw1", "SW1"], ["tm1", "TM1"], ["tm2", "TM2"], ["ro1", "RO1"],
  ]) {
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

// Signs in and waits for the page the role lands on.
async function as(user, lands = "/") {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/sign-in`);
  await page.fill("#username", user);
  await page.fill("#password", password);
  await page.press("#password", "Enter");
  await page.waitForURL(`${base}${lands}`);
  return page;
}

// Fills the audit page's form for `step` and sends it; the page comes back saying so.
async function submit(page, step, fields, index = 0) {
  const form = page.locator(`form:has(input[name="step"][value="${step}"])`).nth(index);
  for (const [name, value] of fields) {
    const field = form.locator(`[name="${name}"]`).first();
    const kind = await field.evaluate((e) => `${e.tagName}:${e.type ?? ""}`);
    if (kind.startsWith("SELECT")) await field.selectOption(value);
    else if (kind === "INPUT:checkbox") await form.locator(`[name="${name}"][value="${value}"]`).check();
    else await field.fill(value);
  }
  await form.locator('button[type="submit"]').click();
  await page.waitForLoadState("load");
  const problem = await page.locator(".govuk-error-summary").count();
  assert.equal(problem, 0, problem ? await page.textContent(".govuk-error-summary") : "");
  await page.waitForSelector(".govuk-notification-banner--success");
}

test("the QA lead's month, from the draw to moderation, and where it shows", async () => {
  const qa = await as("qa1", "/assurance");
  await accessible(qa, "practice assurance");

  await qa.goto(`${base}/assurance/select?template=single-case-audit&seed=2a`);
  await accessible(qa, "the selection, with the draw");
  assert.match(await qa.textContent("main"), /child\/C70/);
  await qa.click('button:has-text("Enter this selection")');
  await qa.waitForSelector(".govuk-notification-banner--success");
  await accessible(qa, "practice assurance, after the selection");
  const href = await qa.locator('tr:has-text("Child C70") a[href^="/assurance/audits/"]').getAttribute("href");
  const audit = `${base}${href}`;

  await qa.goto(audit);
  await accessible(qa, "an audit, before assignment");
  await submit(qa, "assign", [["auditor", "TM2"]]);

  // The auditor grades every section beside the record's facts, and the rest.
  const tm2 = await as("tm2");
  await tm2.goto(audit);
  await accessible(tm2, "an audit, as its auditor");
  const sections = await tm2.locator('form:has(input[name="step"][value="grade"])').count();
  assert.ok(sections > 3);
  for (let i = 0; i < sections; i++) {
    const form = tm2.locator('form:has(input[name="step"][value="grade"])').nth(i);
    for (const select of await form.locator('select[name^="q:"]').all()) await select.selectOption("GOOD");
    await submit(tm2, "grade", [["grade", i === 0 ? "REQUIRES_IMPROVEMENT" : "GOOD"], ["reasons", "Seen in the record."], ["evidence", "2"]], i);
  }
  await submit(tm2, "overall", [["grade", "GOOD"], ["reasons", "Good work; the recording lags."]]);
  await submit(tm2, "finding", [["kind", "DEVELOPMENT"], ["text", "The chronology stops in spring."], ["theme", "recording"]]);
  await submit(tm2, "concern", [["summary", "A new adult in the household has not been checked."]]);
  await submit(tm2, "notify", [["recipient", "TEAM_MANAGER"], ["staff", "TM1"]]);
  await submit(tm2, "notify", [["recipient", "DIRECTOR"], ["staff", "AD1"]]);
  await submit(tm2, "action", [["what", "Bring the chronology up to date."], ["owner", "SW1"], ["due", day(10)]]);
  await accessible(tm2, "an audit, graded, with a concern and an action");

  // The worker's reflection; the auditor discusses it, takes the family's view, completes.
  const sw1 = await as("sw1");
  await accessible(sw1, "My work, with an action from an audit");
  assert.match(await sw1.textContent("main"), /Bring the chronology up to date/);
  await sw1.goto(audit);
  await accessible(sw1, "an audit, as the worker");
  const prompts = await sw1.locator('form:has(input[name="step"][value="reflection"]) textarea').all();
  assert.ok(prompts.length > 0);
  for (const p of prompts) await p.fill("In my own words.");
  await submit(sw1, "reflection", []);
  await tm2.goto(audit);
  await submit(tm2, "discussed", [["note", "We agreed what good recording looks like."]]);
  await submit(tm2, "feedback", [["respondent", "PARENT"], ["t:anything-else", "The worker calls back."]]);
  await submit(tm2, "complete", []);
  await accessible(tm2, "an audit, completed");

  // Copy, PRIM and a blind regrade, then moderation.
  await qa.goto(audit);
  await submit(qa, "copy", [["officer", "RO1"]]);
  await submit(qa, "prim", [["attendee", "SW1"], ["attendee", "TM1"], ["agreed", "Recording to be checked in supervision."]]);
  await submit(qa, "regrade-assign", [["auditor", "QA2"], ["deadline", day(7)]]);
  const qa2 = await as("qa2", "/assurance");
  await qa2.goto(audit);
  await accessible(qa2, "an audit, graded again blind");
  assert.doesNotMatch(await qa2.textContent("main"), /Good work; the recording lags/);
  const regrade = qa2.locator('form:has(input[name="step"][value="regrade"])');
  for (const select of await regrade.locator('select[name^="s:"]').all()) await select.selectOption("GOOD");
  await submit(qa2, "regrade", [["overall", "REQUIRES_IMPROVEMENT"], ["reasons", "The plan has no dates."]]);
  await qa.goto(audit);
  const moderate = qa.locator('form:has(input[name="step"][value="moderate"])');
  for (const select of await moderate.locator('select[name^="s:"]').all()) await select.selectOption("GOOD");
  await submit(qa, "moderate", [["overall", "GOOD"], ["reason", "The dates are in the core group minutes."]]);
  await accessible(qa, "an audit, moderated");
  assert.match(await qa.textContent("main"), /Moderated: Good/);

  // The report and the audits behind a figure.
  await qa.goto(`${base}/assurance/report`);
  await accessible(qa, "the quarterly report");
  await qa.goto(`${base}/assurance`);
  await qa.click('a[href*="/assurance/audits?ids="]');
  await qa.waitForURL(/\/assurance\/audits\?ids=/);
  await accessible(qa, "the audits behind a figure");

  // Where the audit shows for others.
  const tm1 = await as("tm1");
  assert.match(await tm1.textContent("main"), /A new adult in the household has not been checked/);
  await accessible(tm1, "My work, with a safety concern");
  const ad1 = await as("ad1");
  assert.match(await ad1.textContent("main"), /A new adult in the household has not been checked/);
  const ro1 = await as("ro1");
  await ro1.goto(`${base}/reviewing`);
  assert.ok(await ro1.locator(`a[href="${href}"]`).count());
  await accessible(ro1, "conferences and reviews, with an audit copied");
  await sw1.goto(`${base}/children/C70`);
  assert.match(await sw1.textContent("main"), /Audits of this child's case/);
  await accessible(sw1, "the child's record, with its audit");
});
