// Buttons that ask first: a link [data-confirm] opens its native <dialog> instead of the
// confirm page; "Go back" (or Escape) closes it and nothing is sent. Without this script, or
// without <dialog> support, the link leads to the confirm page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-confirm]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-confirm"));
      if (!dialog || typeof dialog.showModal !== "function") return;
      event.preventDefault();
      dialog.showModal();
      return;
    }
    var closer = event.target.closest("[data-confirm-close]");
    if (closer) {
      var open = closer.closest("dialog");
      if (open) open.close();
    }
  });
})();
