// Progressive enhancement only: every page works without this file.
"use strict";

// Ask before removing a part of a record (a finding, a budget line): the form
// carries its question in data-confirm; without JavaScript it just submits.
// Lifecycle steps that cannot be undone (decline, approve, close...) are asked
// on a confirmation page by the server instead, with or without this file, so
// their forms carry no data-confirm and are never asked twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) {
    return;
  }
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // Prevent a double submission of the same form (a second click while the first posts).
  if (form.method.toLowerCase() === "post") {
    if (form.dataset.submitted === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "true";
  }
});

// Return to a page from the back/forward cache with its forms usable again.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-submitted]")) {
    delete form.dataset.submitted;
  }
});
