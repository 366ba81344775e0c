/* Offline drafts of the intake form (treem/cases/templates/cases/intake.html).

   - Every <form data-draft="<name>"> inside an element with data-draft-user="<user id>" is saved to
     localStorage under "treem:draft:<user id>:<name>" on each input, and restored when the page loads
     (with a notice and a "discard draft" button). A form the server sent back (data-draft-bound: a refused
     form, or the duplicate check) shows what was posted: it is saved, not overwritten by the draft.
   - On submit without a network (navigator.onLine false) the form is not sent: the draft stays and the
     officer is told so. A submit that fails on the way leaves the draft too: it is only cleared when a page
     says the save succeeded ([data-draft-clear], or a message tagged "draft-clear").
   - Confidential fields (the reporter's identity, the description) ARE kept in the draft: a notification is
     often taken on a phone call in a place without network, and losing the reporter's details would lose
     the report. The price is that they sit in the browser's storage until the save succeeds, so office PCs
     shared between staff are protected by clearing every treem draft when anyone signs out (the sign-out
     form, data-logout-url) and by keying drafts per user (one officer never sees another's draft).
   - Files and passwords are never saved; CSRF tokens and buttons neither. */
(function () {
  "use strict";
  var PREFIX = "treem:draft:";
  var SKIP = { file: 1, password: 1, submit: 1, button: 1, hidden: 1 };

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function clearAll() {
    var store = storage();
    if (!store) return;
    var doomed = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) doomed.push(key);
    }
    doomed.forEach(function (key) { store.removeItem(key); });
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.type] && el.name !== "csrfmiddlewaretoken";
    });
  }

  function collect(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (!data[el.name]) data[el.name] = [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = [el.value];
      }
    });
    return data;
  }

  function hasContent(data) {
    return Object.keys(data).some(function (name) {
      return data[name].some(function (value) { return value !== ""; });
    });
  }

  function apply(form, data) {
    fields(form).forEach(function (el) {
      var values = data[el.name];
      if (!values) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) !== -1;
      else el.value = values[0] || "";
    });
  }

  function setup(root, form) {
    var store = storage();
    if (!store) return;
    var key = PREFIX + root.getAttribute("data-draft-user") + ":" + form.getAttribute("data-draft");
    var notice = root.querySelector("[data-draft-notice]");
    var message = root.querySelector("[data-draft-message]");

    function tell(text) {
      if (!notice || !message) return;
      message.textContent = text;
      notice.hidden = false;
    }

    function save() {
      var data = collect(form);
      try {
        if (hasContent(data)) store.setItem(key, JSON.stringify({ saved: Date.now(), data: data }));
      } catch (e) { /* storage full or refused: the form still works */ }
    }

    var saved = store.getItem(key);
    if (form.hasAttribute("data-draft-bound")) {
      save();
    } else if (saved) {
      try {
        apply(form, JSON.parse(saved).data || {});
        tell(form.getAttribute("data-msg-restored"));
      } catch (e) { store.removeItem(key); }
    }

    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function (event) {
      save();
      if (navigator.onLine === false) {
        event.preventDefault();
        tell(form.getAttribute("data-msg-offline"));
        if (notice) notice.scrollIntoView({ block: "center" });
      }
    });
    var discard = root.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        store.removeItem(key);
        form.reset();
        tell(form.getAttribute("data-msg-discarded"));
        discard.hidden = true;
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-draft-clear], .messages li.draft-clear")) clearAll();
    document.querySelectorAll("[data-draft-user]").forEach(function (root) {
      var logout = root.getAttribute("data-logout-url");
      if (logout) {
        document.querySelectorAll("form").forEach(function (form) {
          if (form.getAttribute("action") === logout) form.addEventListener("submit", clearAll);
        });
      }
      root.querySelectorAll("form[data-draft]").forEach(function (form) { setup(root, form); });
    });
  });
})();
