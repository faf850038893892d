// Evaluation pages. Progressive enhancement only: every form posts and works
// without this file (the server clears the fields of the choices not taken).
"use strict";

// --- show the fields of the choice made: who evaluates, who carries an action out ---

function syncGroups(form, name, attribute) {
  const checked = form.querySelector(`input[name="${name}"]:checked`);
  for (const group of form.querySelectorAll(`fieldset[${attribute}]`)) {
    group.hidden = checked === null || group.getAttribute(attribute) !== checked.value;
  }
}

const GROUPS = [
  ["evaluator_kind", "data-kind"],
  ["party", "data-party"],
];

for (const form of document.querySelectorAll("form.plan-form, form.action-form-page")) {
  for (const [name, attribute] of GROUPS) {
    if (form.querySelector(`input[name="${name}"]`)) {
      syncGroups(form, name, attribute);
    }
  }
  form.addEventListener("change", (event) => {
    for (const [name, attribute] of GROUPS) {
      if (event.target.name === name) {
        syncGroups(form, name, attribute);
      }
    }
  });
}

// --- find an expert in the roster list as you type (the server search reloads the page) ---

for (const box of document.querySelectorAll(".roster-filter")) {
  const group = box.closest("fieldset");
  const input = box.querySelector("input");
  const count = box.querySelector("[role=status]");
  const options = group ? Array.from(group.querySelectorAll(".field-roster input[type=radio]")) : [];
  if (options.length < 2) {
    continue;
  }
  box.hidden = false;
  const rowOf = (radio) => radio.closest("div") || radio.parentElement;
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const radio of options) {
      const label = rowOf(radio).textContent.toLowerCase();
      // The chosen expert always stays visible.
      const match = radio.checked || words.every((word) => label.includes(word));
      rowOf(radio).hidden = !match;
      shown += match ? 1 : 0;
    }
    if (count) {
      count.textContent = words.length
        ? (count.dataset.template || "")
            .replace("%(shown)s", String(shown))
            .replace("%(total)s", String(options.length))
        : "";
    }
  });
}
