// Progressive enhancement only: every page works without this file.
import { initAll } from "/assets/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Live search: the results follow the typing. They are the same page the form would load,
// fetched and swapped in, so the search itself stays on the server with its access rules;
// the count is announced to screen readers once, not the whole table.
const search = document.querySelector('form[role="search"]');
const results = document.getElementById("search-results");
const status = document.getElementById("search-status");
if (search && results && status) {
  const input = search.querySelector('input[name="q"]');
  let timer;
  let latest = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2) {
        return;
      }
      const ticket = ++latest;
      const url = `/search?q=${encodeURIComponent(q)}`;
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        // A slower answer to an earlier query must not replace a newer one.
        if (!response.ok || ticket !== latest) {
          return;
        }
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById("search-results");
        if (fresh) {
          results.replaceChildren(...fresh.childNodes);
          status.textContent = results.querySelector("h2")?.textContent ?? "";
          history.replaceState(null, "", url);
        }
      } catch {
        // Offline or signed out: the form still works by pressing Search.
      }
    }, 300);
  });
}
