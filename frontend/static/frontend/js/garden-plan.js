/* Progressive enhancement: a free plot on the plan submits the same form as the table's button. */
(function () {
  "use strict";
  document.querySelectorAll(".garden-plan .plot-free[role=button]").forEach(function (plot) {
    function reserve() {
      var form = document.getElementById("reserve-form-" + plot.dataset.plot);
      if (form) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
    }
    plot.addEventListener("click", reserve);
    plot.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); reserve(); }
    });
  });
})();
