// A form sent back with errors: focus its first invalid field, so that a screen reader reads
// the field with its error (aria-describedby) and a keyboard user starts where the problem is.
// A form-wide error (role="alert", no field) gets the focus instead.
(function () {
  "use strict";
  var first = document.querySelector("main [aria-invalid='true']");
  if (!first) {
    first = document.querySelector("main form [role='alert']");
    if (first) first.setAttribute("tabindex", "-1");
  }
  if (first) first.focus();
})();
