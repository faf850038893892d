// A programme's parts. Progressive enhancement only: every form posts and
// works without this file.
"use strict";

// --- the partner list: a box to narrow its long list of organisations ---
// The select keeps working as it is; typing hides the options (and groups)
// that do not match, so "UNDP" or "commission" finds its organisation.

// Returns how many organisations are shown.
function filterOptions(select, term) {
  const needle = term.trim().toLowerCase();
  let total = 0;
  for (const group of select.querySelectorAll("optgroup")) {
    let shown = 0;
    for (const option of group.querySelectorAll("option")) {
      const match = needle === "" || option.textContent.toLowerCase().includes(needle);
      option.hidden = !match;
      option.disabled = !match && !option.selected;
      shown += match ? 1 : 0;
    }
    group.hidden = shown === 0;
    total += shown;
  }
  return total;
}

for (const wrapper of document.querySelectorAll(".js-partner-field")) {
  const select = wrapper.querySelector("select");
  if (!select || !select.querySelector("optgroup")) {
    continue;
  }
  // The words come from the page, translated: data-filter-label (no words of its own here).
  const label = wrapper.dataset.filterLabel;
  if (!label) {
    continue;
  }
  const box = document.createElement("div");
  box.className = "partner-filter";
  const input = document.createElement("input");
  input.type = "search";
  input.id = `${select.id}-filter`;
  input.setAttribute("aria-controls", select.id);
  input.setAttribute("aria-label", label);
  input.placeholder = label;
  // How many match, said politely to screen readers ("{n} organisations").
  const count = document.createElement("p");
  count.className = "partner-filter-count";
  count.setAttribute("role", "status");
  box.append(input, count);
  select.before(box);
  // A list of a few lines, so the narrowing shows as one types.
  select.size = 8;
  const template = wrapper.dataset.filterCount || "{n}";
  input.addEventListener("input", () => {
    const shown = filterOptions(select, input.value);
    count.textContent = input.value.trim() ? template.replace("{n}", String(shown)) : "";
  });
}
