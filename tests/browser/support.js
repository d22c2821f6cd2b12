// What the browser tests share: the hearth binary, a server on a fresh store, Debian's
// Chromium, axe-core, and moving about a page with the keyboard alone.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";
import axe from "axe-core";

const here = dirname(fileURLToPath(import.meta.url));
export const bin = process.env.HEARTH_BIN ?? join(here, "../../target/release/hearth");
export const fixture = join(here, "../../fixtures/journeys/every-event-kind.jsonl");

// An instant `days` from now, as the interchange writes it: the server reads the real clock,
// so records the tests add are dated from now.
export function at(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
}

// An event of an interchange line, `days` from now, recorded then by `by`.
export function event(days, by, body) {
  return { occurred_at: at(days), recorded_at: at(days), recorded_by: by, event: body };
}

// Runs the hearth command line against a store and returns what it printed.
export function hearth(db, args, input) {
  const r = spawnSync(bin, ["--db", db, ...args], { input, encoding: "utf8" });
  assert.equal(r.status, 0, `hearth ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

// Serves the store on a free port; resolves once /health answers.
export async function serve(db) {
  const server = spawn(bin, ["--db", db, "serve", "--listen", "127.0.0.1:0", "--insecure-cookies"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const first = await new Promise((resolve) => createInterface({ input: server.stdout }).once("line", resolve));
  const base = first.match(/http:\/\/[^\s/]+/)[0];
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { server, base };
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
}

// Runs axe-core on the page as it is, and fails on any violation.
export async function accessible(page, what) {
  await page.evaluate(axe.source);
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    }));
  const problems = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(" ")} ${n.html} ${n.failureSummary}`).join("; ")})`);
  assert.deepEqual(problems, [], `${what} (${page.url()})`);
}

// Presses Tab until the element matching `selector` has focus: proves it can be reached
// with the keyboard, in the page's own order.
export async function tabTo(page, selector, limit = 150) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`${selector} cannot be reached with the Tab key on ${page.url()}`);
}

// Signs in through the form, typing into each field in turn.
export async function signIn(page, base, user, password) {
  await page.goto(`${base}/sign-in`);
  await accessible(page, "sign in");
  await tabTo(page, "#username");
  await page.keyboard.type(user);
  await tabTo(page, "#password");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/`);
}
