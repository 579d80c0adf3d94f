// Card payment with Stripe.js (or localstripe's copy): save the card with a SetupIntent in the
// browser, then let the server create and confirm the PaymentIntent; 3-D Secure comes back
// with a secret for confirmCardPayment, after which the server re-reads the payment.
(function () {
  "use strict";
  // Ticking or unticking "use my credit" shows the new split at once.
  var useCredit = document.getElementById("use-credit");
  if (useCredit) {
    useCredit.addEventListener("change", function () { useCredit.form.submit(); });
  }
  var data = JSON.parse(document.getElementById("stripe-data").textContent);
  if (typeof Stripe === "undefined") { return; }
  var stripe = Stripe(data.publishableKey);
  var errors = document.getElementById("card-errors");

  function showError(message) {
    errors.textContent = message || "";
    errors.hidden = !message;
  }

  if (data.actionSecret) {
    stripe.confirmCardPayment(data.actionSecret).then(function (result) {
      if (result.error) { showError(result.error.message); }
      document.getElementById("refresh-form").submit();
    });
  }

  var form = document.getElementById("card-form");
  if (!form) { return; }  // credit covers the order: no card
  var elements = stripe.elements();
  var card = elements.create("card");
  card.mount("#card-element");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = document.getElementById("pay-card");
    button.disabled = true;
    showError("");
    stripe.confirmCardSetup(data.setupSecret, { payment_method: { card: card } }).then(function (result) {
      if (result.error) {
        showError(result.error.message);
        button.disabled = false;
        return;
      }
      var pm = result.setupIntent.payment_method;
      document.getElementById("payment-method").value = typeof pm === "string" ? pm : pm.id;
      form.submit();
    });
  });
})();
