/* Case pages (treem/cases/templates/cases/move.html, step_form.html); the Content-Security-Policy forbids
   inline code, so page behaviour lives here.
   data-filter-select="<select id>": a search box that hides the options (and their district groups) whose
   text does not contain what is typed, diacritics and case ignored ("phu thuan" finds "Phú Thuận"), and
   selects the first commune left when none (or a hidden one) was selected. */
(function () {
  "use strict";
  function plain(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().trim();
  }
  function filter(box) {
    var select = document.getElementById(box.getAttribute("data-filter-select"));
    if (!select) return;
    var wanted = plain(box.value);
    var groups = select.querySelectorAll("optgroup");
    var firstShown = null;
    groups.forEach(function (group) {
      var district = plain(group.label);
      var any = false;
      group.querySelectorAll("option").forEach(function (option) {
        var show = !wanted || plain(option.textContent).indexOf(wanted) >= 0 || district.indexOf(wanted) >= 0;
        option.hidden = !show;
        option.disabled = !show;
        if (show) { any = true; if (!firstShown) firstShown = option; }
      });
      group.hidden = !any;
    });
    var current = select.selectedIndex < 0 ? null : select.options[select.selectedIndex];
    if (wanted && firstShown && (!current || !current.value || current.hidden)) {
      select.value = firstShown.value;
    }
  }
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box.matches && box.matches("[data-filter-select]")) filter(box);
  });
})();
/* data-providers on a referral form (JSON: service code → the kind of body that usually provides it):
   choosing a service fills in "provider_kind" when the officer has not chosen one yet. */
(function () {
  "use strict";
  function setChoice(form, name, value) {
    var fields = form.querySelectorAll("[name='" + name + "']");
    fields.forEach(function (field) {
      if (field.type === "radio") { if (field.value === value) field.checked = true; }
      else if (field.tagName === "SELECT" && !field.value) field.value = value;
    });
  }
  document.addEventListener("change", function (event) {
    var field = event.target;
    var form = field.form;
    if (!form || field.name !== "service" || !form.hasAttribute("data-providers")) return;
    var map;
    try { map = JSON.parse(form.getAttribute("data-providers")); } catch (e) { return; }
    if (map[field.value]) setChoice(form, "provider_kind", map[field.value]);
  });
})();
