// The Stripe pay page: mount the Payment Element and confirm the PaymentIntent in the browser.
// Card details go from Stripe's iframe to Stripe; we only see the outcome on the return page
// (payments:pay-return) and in the webhook, which pays the order even if the shopper never returns.
(function () {
  "use strict";

  var form = document.querySelector("[data-stripe-payment]");
  if (!form) {
    return;
  }
  var message = form.querySelector("#payment-message");
  var button = form.querySelector("#payment-submit");

  function showError(text) {
    message.innerHTML = "";
    var line = document.createElement("p");
    line.className = "message error";
    line.setAttribute("role", "alert");
    line.textContent = text;
    message.appendChild(line);
  }

  if (typeof window.Stripe !== "function") {
    showError("The secure payment form could not load. Check your connection and reload the page.");
    return;
  }

  var stripe = window.Stripe(form.dataset.publishableKey);
  var clientSecret = form.dataset.clientSecret;
  var returnUrl = form.dataset.returnUrl;

  function goToReturnPage() {
    var separator = returnUrl.indexOf("?") === -1 ? "?" : "&";
    window.location.assign(returnUrl + separator + "payment_intent=" + encodeURIComponent(form.dataset.paymentIntent));
  }

  if (form.dataset.requiresAction === "true") {
    // An authentication step (3-D Secure) that Stripe.js shows over the page.
    stripe.handleNextAction({ clientSecret: clientSecret }).then(function (result) {
      if (result.error) {
        showError(result.error.message);
      } else {
        goToReturnPage();
      }
    });
  }

  var elements = stripe.elements({ clientSecret: clientSecret, appearance: { theme: "stripe" } });
  var paymentElement = elements.create("payment", { layout: "tabs" });
  paymentElement.mount("#payment-element");
  paymentElement.on("ready", function () {
    button.disabled = false;
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    message.innerHTML = "";
    stripe
      .confirmPayment({ elements: elements, confirmParams: { return_url: returnUrl } })
      .then(function (result) {
        // Reached only when the payment could not start: otherwise Stripe redirects to returnUrl.
        var error = result.error;
        if (error.type === "card_error" || error.type === "validation_error") {
          showError(error.message);
        } else {
          showError("Something went wrong with the payment. Nothing was charged; please try again.");
        }
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
  });
})();
