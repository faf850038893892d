// Needs-assessment pages. Progressive enhancement only: every form posts and
// works without this file.
"use strict";

// --- planning: show the fields of the chosen mode only ---
// (The server clears the fields of the other mode whatever is sent.)

function syncModeGroups(form) {
  const checked = form.querySelector('input[name="mode"]:checked');
  for (const group of form.querySelectorAll(".mode-group[data-mode]")) {
    group.hidden = checked !== null && group.dataset.mode !== checked.value;
  }
}

for (const form of document.querySelectorAll(".plan-form")) {
  syncModeGroups(form);
  form.addEventListener("change", (event) => {
    if (event.target.name === "mode") {
      syncModeGroups(form);
    }
  });
}

// --- uploads: sent in the background, with progress, retried in place ---
// On a slow connection the page stays as it is while the file travels, so
// nothing typed in the other forms is lost; if the connection drops, the file
// stays selected and one click sends it again. The server answers with the
// assessment page (after a redirect on success, re-rendered with the reason
// next to the file field on refusal): its documents section replaces ours.

// kind: "error", "success" or "" (in progress).
function showStatus(form, text, kind) {
  const status = form.querySelector(".upload-status");
  if (status) {
    status.textContent = text;
    status.classList.toggle("is-error", kind === "error");
    status.classList.toggle("is-success", kind === "success");
  }
}

function upload(form) {
  const button = form.querySelector('button[type="submit"]');
  const progressBox = form.querySelector(".upload-progress");
  const progress = progressBox ? progressBox.querySelector("progress") : null;
  form.dataset.busy = "true";
  showStatus(form, form.dataset.uploading || "", "");
  if (progressBox) {
    progressBox.hidden = false;
    progress.removeAttribute("value"); // indeterminate until the first progress event
  }

  // What is sent is read now; the fields are then locked until the answer, so a
  // choice made meanwhile cannot be silently replaced by the server's fresh form.
  const data = new FormData(form);
  const controls = Array.from(form.elements).filter((el) => !el.disabled);
  for (const el of controls) {
    el.disabled = true;
  }

  const failed = () => {
    delete form.dataset.busy;
    for (const el of controls) {
      el.disabled = false;
    }
    if (progressBox) {
      progressBox.hidden = true;
    }
    showStatus(form, form.dataset.networkError || "", "error");
    button.focus();
  };

  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.action);
  xhr.responseType = "document";
  xhr.upload.addEventListener("progress", (event) => {
    if (event.lengthComputable && progress) {
      progress.max = event.total;
      progress.value = event.loaded;
    }
  });
  xhr.addEventListener("load", () => {
    const page = xhr.response;
    const fresh = page ? page.getElementById("documents") : null;
    const current = document.getElementById("documents");
    if (xhr.status >= 400 || fresh === null || current === null) {
      // Not the assessment page (the login page after the session expired):
      // show what the server sent; a server error keeps the form for a retry.
      if (xhr.status < 400 && xhr.responseURL && xhr.responseURL !== form.action) {
        window.location.assign(xhr.responseURL);
      } else {
        failed();
      }
      return;
    }
    const notices = page.querySelectorAll("main .messages .message");
    current.replaceWith(document.adoptNode(fresh));
    // Messages of an earlier request at the top of the page are out of date now.
    for (const old of document.querySelectorAll("main > .messages")) {
      old.remove();
    }
    const invalid = fresh.querySelector('.upload-form [aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
      return;
    }
    const freshForm = fresh.querySelector(".upload-form");
    if (freshForm && notices.length) {
      showStatus(freshForm, Array.from(notices, (n) => n.textContent.trim()).join(" "), "success");
    }
    const input = fresh.querySelector('.upload-form input[type="file"]');
    if (input) {
      input.focus();
    }
  });
  xhr.addEventListener("error", failed);
  xhr.addEventListener("timeout", failed);
  xhr.addEventListener("abort", failed);
  xhr.send(data);
}

// Capture phase, and stop there: app.js's double-submit guard (bubbling) never
// sees an upload form, which guards itself with data-busy.
document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("js-upload")) {
      return;
    }
    if (typeof FormData === "undefined" || typeof XMLHttpRequest === "undefined") {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (form.dataset.busy !== "true") {
      upload(form);
    }
  },
  true,
);
