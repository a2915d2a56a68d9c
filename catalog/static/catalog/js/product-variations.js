/* New product form: show the variation rows or the single offer, and add variation rows in place.
   Without JavaScript both parts show, the checkbox decides which is used, and "Add more rows"
   reloads the form with more empty rows. */
(function () {
  "use strict";
  var toggle = document.querySelector("[data-variations-toggle]");
  if (!toggle) {
    return;
  }
  var part = document.querySelector("[data-variations-part]");
  var offer = document.querySelector("[data-single-offer]");
  function sync() {
    if (part) {
      part.hidden = !toggle.checked;
    }
    if (offer) {
      offer.hidden = toggle.checked;
    }
  }
  toggle.addEventListener("change", sync);
  sync();

  var add = document.querySelector("[data-variation-add]");
  var template = document.getElementById("variation-row-template");
  var rows = document.querySelector("[data-variation-rows]");
  var total = document.getElementById("id_variations-TOTAL_FORMS");
  var maximum = document.getElementById("id_variations-MAX_NUM_FORMS");
  if (!add || !template || !rows || !total || !maximum) {
    return;
  }
  add.textContent = "Add a row";
  add.addEventListener("click", function (event) {
    event.preventDefault();
    var count = parseInt(total.value, 10);
    var limit = parseInt(maximum.value, 10);
    if (count >= limit) {
      return;
    }
    var html = template.innerHTML.replace(/__prefix__/g, String(count)).replace(/__number__/g, String(count + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(count + 1);
    if (count + 1 >= limit) {
      add.hidden = true;
    }
    var first = rows.lastElementChild && rows.lastElementChild.querySelector("input");
    if (first) {
      first.focus();
    }
  });
})();
