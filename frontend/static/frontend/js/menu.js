// The header's menu on a narrow screen: the « Menu » button opens and closes the links
// (aria-expanded; site.css hides the links while it is false). Escape closes it and gives the
// focus back to the button; so does a click outside. Loaded in <head>, not deferred: the "js"
// class is set before the page shows, so the links never flash open. Without this script the
// class is missing, the button stays hidden and every link shows.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUp() {
    var button = document.querySelector(".menu-toggle");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    var nav = button.closest("nav") || menu;
    function isOpen() {
      return button.getAttribute("aria-expanded") === "true";
    }
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      setOpen(!isOpen());
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) {
        setOpen(false);
        button.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (isOpen() && !nav.contains(event.target)) setOpen(false);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
