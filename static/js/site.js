// Progressive enhancement only: every page works without this file.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});

// A table that scrolls sideways (a wide table on a phone) must be reachable from the keyboard:
// its scrolling box gets a tab stop and a name (its table's caption).
function tableScrollsFocusable() {
  document.querySelectorAll(".table-scroll").forEach(function (box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      var caption = box.querySelector("caption");
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
      box.dataset.scrollFocus = "1";
    } else if (!scrolls && box.dataset.scrollFocus) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollFocus;
    }
  });
}
document.addEventListener("DOMContentLoaded", tableScrollsFocusable);
window.addEventListener("resize", tableScrollsFocusable);
document.addEventListener("htmx:afterSettle", tableScrollsFocusable);
