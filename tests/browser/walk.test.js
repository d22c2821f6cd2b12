// A social worker and a team manager use Hearth in Debian's Chromium, with the keyboard
// alone, and every page they visit is checked with axe-core (WCAG 2.2 AA rules).
//
// Needs: HEARTH_BIN (the hearth binary; default ../../target/release/hearth) and CHROMIUM
// (default /usr/bin/chromium). Run by .ci/browser.sh.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import axe from "axe-core";

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.HEARTH_BIN ?? join(here, "../../target/release/hearth");
const fixture = join(here, "../../fixtures/journeys/every-event-kind.jsonl");
const password = "a long browser test password";

let dir, db, server, base, browser;

function hearth(args, input) {
  const r = spawnSync(bin, ["--db", db, ...args], { input, encoding: "utf8" });
  assert.equal(r.status, 0, `hearth ${args.join(" ")}: ${r.stderr}`);
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
  server = spawn(bin, ["--db", db, "serve", "--listen", "127.0.0.1:0", "--insecure-cookies"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const first = await new Promise((resolve) => createInterface({ input: server.stdout }).once("line", resolve));
  base = first.match(/http:\/\/[^\s/]+/)[0];
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const visited = [];

// Runs axe-core on the page as it is, and fails on any violation.
async function accessible(page, what) {
  await page.evaluate(axe.source);
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    }));
  const problems = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(" ")} ${n.html} ${n.failureSummary}`).join("; ")})`);
  assert.deepEqual(problems, [], `${what} (${page.url()})`);
  visited.push(what);
}

// Presses Tab until the element matching `selector` has focus: proves it can be reached
// with the keyboard, in the page's own order.
async function tabTo(page, selector, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`${selector} cannot be reached with the Tab key on ${page.url()}`);
}

async function signIn(page, user) {
  await page.goto(`${base}/sign-in`);
  await accessible(page, "sign in");
  await tabTo(page, "#username");
  await page.keyboard.type(user);
  await tabTo(page, "#password");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/`);
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

test("a team manager records oversight with the keyboard alone", async () => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, "tm2");
  await accessible(page, "my team's work");
  await tabTo(page, 'a[href="/team"]');
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/team`);
  await accessible(page, "team");
  await page.goto(`${base}/children/C1`);
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
});
