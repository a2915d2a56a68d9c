// Seller Central listings: let htmx swap a refused row (HTTP 400 carries the row with its error).
// Progressive enhancement only: without JavaScript the forms post and the page re-renders.
document.addEventListener("htmx:beforeSwap", function (event) {
  var element = event.detail.elt;
  if (event.detail.xhr.status === 400 && element.closest && element.closest("[data-htmx-swap-refusals]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
