// The catalogue as a shop. Without this file everything works through plain forms; with it:
// - the − and + buttons change the quantity field, and the change goes to the basket (htmx);
//   Enter in the field sends the quantity typed (not the − button, the form's first);
// - the search box and the category list filter the cards in place, without a reload.
(function () {
  "use strict";

  function stepperInput(el) {
    var form = el.closest("form.stepper");
    return form && form.querySelector(".qty-input");
  }

  function changed(input) {
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("form.stepper [data-step]");
    if (!button) return;
    var input = stepperInput(button);
    if (!input) return;
    event.preventDefault();
    var now = parseInt(input.value, 10);
    if (isNaN(now) || now < 0) now = 0;
    var next = Math.max(0, now + parseInt(button.dataset.step, 10));
    if (String(next) === input.value) return; // − at 0: nothing to send
    input.value = next;
    // The field now holds the quantity: htmx must not send the button's step as well.
    button.removeAttribute("name");
    changed(input);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches("form.stepper .qty-input")) return;
    event.preventDefault();
    changed(event.target);
  });

  // --- Search and category, in place --------------------------------------------------------
  var filter = document.querySelector("[data-shop-filter]");
  if (!filter) return;
  var query = filter.querySelector("[name=q]");
  var category = filter.querySelector("[name=categorie]");
  var empty = document.getElementById("shop-empty");
  var emptyText = empty.dataset.emptyText;

  function key(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function apply() {
    var words = key(query.value).split(/\s+/).filter(Boolean);
    var wanted = category.value;
    var any = false;
    document.querySelectorAll("[data-farm]").forEach(function (farm) {
      var farmAny = false;
      farm.querySelectorAll(".product-card").forEach(function (card) {
        var text = key(card.dataset.search || "");
        var shown = (!wanted || card.dataset.category === wanted) &&
          words.every(function (word) { return text.indexOf(word) !== -1; });
        card.hidden = !shown;
        farmAny = farmAny || shown;
      });
      farm.hidden = !farmAny;
      any = any || farmAny;
    });
    var message = any ? "" : emptyText;
    if (empty.textContent.trim() !== message) empty.textContent = message;
    var params = new URLSearchParams(window.location.search);
    [["q", query.value.trim()], ["categorie", wanted]].forEach(function (pair) {
      if (pair[1]) params.set(pair[0], pair[1]); else params.delete(pair[0]);
    });
    var search = params.toString();
    history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  query.addEventListener("input", apply);
  category.addEventListener("change", apply);
  filter.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
})();
