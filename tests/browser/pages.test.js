// Every page a manager can reach from a child's record, checked with axe-core (WCAG 2.2 AA
// rules): each recording form, empty and sent back with its errors; the identity, network
// and professionals pages; corrections; the case file; and a restricted record's banner.
// The walks in the other files prove the keyboard journeys; this one proves that no page
// was left out of the accessibility check as forms are added.
//
// Needs: HEARTH_BIN and CHROMIUM, as the other browser tests. Run by .ci/browser.sh.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixture, hearth as run, serve, launch, accessible, signIn } from "./support.js";

const password = "a long browser test password";

let dir, db, server, base, browser;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "hearth-browser-"));
  db = `sqlite://${join(dir, "hearth.db")}`;
  run(db, ["import", "journeys", fixture]);
  // The head of service manages everyone and sees every record, restricted ones included.
  run(db, ["account", "hos1", "--staff", "HOS1"], `${password}\n`);
  ({ server, base } = await serve(db));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

// The links on a page that lead to the child's own pages, once each.
async function childLinks(page, child) {
  const hrefs = await page.$$eval("main a[href]", (as) => as.map((a) => a.getAttribute("href")));
  const mine = [...new Set(hrefs.filter((h) => h.startsWith(`/children/${child}/`)))];
  // Every history entry has a correction link to the same form: three of them will do.
  const corrections = mine.filter((h) => h.includes("/correct/")).slice(0, 3);
  return mine.filter((h) => !h.includes("/correct/")).concat(corrections);
}

test("every page reachable from a child's record passes the accessibility rules", async () => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, base, "hos1", password);
  for (const child of ["C1", "C2", "C3", "C4", "C5"]) {
    await page.goto(`${base}/children/${child}`);
    await accessible(page, `${child}'s record`);
    // The recording forms are on the record's "Record something" page.
    const onRecord = await childLinks(page, child);
    await page.goto(`${base}/children/${child}/record`);
    await accessible(page, `${child}: record something`);
    const links = [...new Set(onRecord.concat(await childLinks(page, child)))];
    assert.ok(links.length > 10, `${child}: ${links.length} links`);
    for (const href of links) {
      const response = await page.goto(`${base}${href}`);
      assert.equal(response.status(), 200, href);
      await accessible(page, href);
      // A recording form sent back empty shows its errors, which must pass too. (A form
      // with nothing required is saved instead, and the record it returns to is checked.)
      if (href.includes("/record/") && (await page.$("#save"))) {
        await Promise.all([page.waitForLoadState(), page.click("#save")]);
        await accessible(page, `${href}, sent back`);
      }
    }
  }
});

test("a restricted record says so, in a banner that passes the rules", async () => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, base, "hos1", password);
  // The fixture restricts C5 and lifts it; restrict it again through the form.
  await page.goto(`${base}/children/C5/record/restrict`);
  await page.fill("#day", "20");
  await page.fill("#month", "11");
  await page.fill("#year", "2026");
  await page.fill("#reason", "A member of staff is related to the family.");
  await Promise.all([page.waitForLoadState(), page.click("#save")]);
  assert.match(await page.textContent("main"), /Restricted record/);
  await accessible(page, "restricted record");
});
