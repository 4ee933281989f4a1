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

  // A checkbox with data-toggle shows the fieldset of that id only while checked.
  document.querySelectorAll("[data-toggle]").forEach(function (box) {
    var target = document.getElementById(box.getAttribute("data-toggle"));
    if (!target) return;
    var sync = function () { target.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
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
