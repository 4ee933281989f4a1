// Admin Center: a little progressive enhancement. Every page works without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Links marked data-dialog open the <dialog> of that id instead of navigating.
  document.querySelectorAll("[data-dialog]").forEach(function (link) {
    var dialog = document.getElementById(link.getAttribute("data-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") return;
    link.addEventListener("click", function (e) {
      e.preventDefault();
      dialog.showModal();
      var first = dialog.querySelector("input:not([type=hidden]), select");
      if (first) first.focus();
    });
  });
  document.querySelectorAll("dialog[data-open]").forEach(function (d) {
    if (typeof d.showModal === "function") d.showModal();
  });
  document.querySelectorAll("[data-close-dialog]").forEach(function (b) {
    b.addEventListener("click", function () { b.closest("dialog").close(); });
  });

  // A page that comes back with errors (a 422) starts where they are: the first error summary on
  // screen is scrolled into view and focused, however far down the page its form is.
  var summary = Array.prototype.find.call(document.querySelectorAll(".error-summary"), function (s) {
    return s.getClientRects().length > 0;
  });
  if (summary) {
    summary.scrollIntoView({ block: "center" });
    summary.focus({ preventScroll: true });
  }

  // A checkbox with data-toggle shows the fieldset of that id only while checked.
  document.querySelectorAll("[data-toggle]").forEach(function (box) {
    var target = document.getElementById(box.getAttribute("data-toggle"));
    if (!target) return;
    var sync = function () { target.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  });

  // On a narrow screen tables stack their rows; each cell shows its column's name beside it.
  document.querySelectorAll("table.table").forEach(function (table) {
    // A column's name is its header's visible text (not a sort mark or a hint for screen readers).
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      var copy = th.cloneNode(true);
      copy.querySelectorAll(".visually-hidden, [aria-hidden]").forEach(function (n) { n.remove(); });
      return copy.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (heads[i] && !td.hasAttribute("data-label")) td.setAttribute("data-label", heads[i]);
      });
    });
  });
  // The narrow screen's one-row navigation starts scrolled to the page you are on.
  // (Only the navigation scrolls: the page itself stays where it is.)
  var nav = document.querySelector(".sidebar"), current = nav && nav.querySelector("a[aria-current]");
  if (current && nav.scrollWidth > nav.clientWidth) {
    var navBox = nav.getBoundingClientRect(), box = current.getBoundingClientRect();
    nav.scrollLeft += box.left - navBox.left - (navBox.width - box.width) / 2;
  }

  // Fields with data-picker suggest the organization's members as you type: their <datalist> is
  // filled from the JSON endpoint (a page of ten matches of the last address typed).
  document.querySelectorAll("input[data-picker]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !window.fetch) return;
    var multi = input.hasAttribute("data-picker-multi"), timer = 0, asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var value = input.value, head = "", term = value, comma = multi ? value.lastIndexOf(",") : -1;
        if (comma >= 0) { head = value.slice(0, comma + 1) + " "; term = value.slice(comma + 1); }
        term = term.trim();
        if (term.length < 2 || head + term === asked) return;
        asked = head + term;
        fetch(input.getAttribute("data-picker") + "?limit=10&q=" + encodeURIComponent(term),
          { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { people: [] }; })
          .then(function (page) {
            list.textContent = "";
            page.people.forEach(function (p) {
              var o = document.createElement("option");
              o.value = head + p.email;
              o.label = p.name;
              list.appendChild(o);
            });
          })
          .catch(function () { /* no suggestions; the field still works */ });
      }, 150);
    });
  });

  // Forms with data-confirm ask before a destructive action.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
  // Pop-ups built on <details class="popover">: one open at a time; a click outside or Escape closes them.
  var popovers = document.querySelectorAll("details.popover");
  popovers.forEach(function (d) {
    d.addEventListener("toggle", function () {
      if (!d.open) return;
      popovers.forEach(function (o) { if (o !== d) o.open = false; });
    });
  });
  document.addEventListener("click", function (e) {
    popovers.forEach(function (d) { if (d.open && !d.contains(e.target)) d.open = false; });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    popovers.forEach(function (d) {
      if (d.open) { d.open = false; d.querySelector("summary").focus(); }
    });
  });
})();
