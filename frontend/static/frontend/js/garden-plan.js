/* Progressive enhancement: a free plot on the plan acts as the table's button: it opens the
   same confirm dialog (frontend/js/confirm.js), which says which plot and what it commits to. */
(function () {
  "use strict";
  document.querySelectorAll(".garden-plan .plot-free[role=button]").forEach(function (plot) {
    function reserve() {
      var opener = document.querySelector("#plot-row-" + plot.dataset.plot + " [data-confirm]");
      if (opener) { opener.click(); }
    }
    plot.addEventListener("click", reserve);
    plot.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); reserve(); }
    });
  });
})();
