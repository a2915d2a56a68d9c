// Autocomplete for the header search box, as an ARIA 1.2 combobox with a listbox popup.
// Progressive enhancement: without this file the box is a plain search form.
(function () {
  "use strict";
  var script = document.currentScript;
  var input = document.getElementById("site-search-q");
  if (!input || !input.form || !window.fetch) return;
  var endpoint = (script && script.getAttribute("data-suggest-url")) || "/search/suggest/";
  var form = input.form;
  var list = document.createElement("ul");
  var options = [];
  var active = -1;
  var timer = null;
  var pending = null;

  list.id = "site-search-listbox";
  list.className = "search-suggest";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Search suggestions");
  list.hidden = true;
  form.classList.add("site-search--suggest");
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  function option(kind, label, value, href) {
    return { kind: kind, label: label, value: value, href: href };
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function render(data) {
    options = [];
    (data.completions || []).forEach(function (text) { options.push(option("Search", text, text, null)); });
    (data.categories || []).forEach(function (c) { options.push(option("Category", c.name, null, c.url)); });
    (data.products || []).forEach(function (p) { options.push(option("Product", p.title, null, p.url)); });
    list.textContent = "";
    options.forEach(function (item, index) {
      var li = document.createElement("li");
      li.id = "site-search-option-" + index;
      li.className = "search-suggest__option search-suggest__option--" + item.kind.toLowerCase();
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var kind = document.createElement("span");
      kind.className = "search-suggest__kind";
      kind.textContent = item.kind;
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" " + item.label));
      li.addEventListener("mousedown", function (event) { event.preventDefault(); });
      li.addEventListener("click", function () { choose(index); });
      list.appendChild(li);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (options.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      close();
    }
  }

  function highlight(index) {
    var items = list.children;
    if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
    active = index;
    if (active >= 0 && items[active]) {
      items[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    var item = options[index];
    if (!item) return;
    close();
    if (item.href) {
      window.location.assign(item.href);
    } else {
      input.value = item.value;
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  }

  function fetchSuggestions() {
    var text = input.value;
    if (text.trim().length < 2) { close(); return; }
    if (pending) pending.abort();
    pending = window.AbortController ? new AbortController() : null;
    fetch(endpoint + "?q=" + encodeURIComponent(text), {
      headers: { Accept: "application/json" },
      signal: pending ? pending.signal : undefined,
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && input.value === text && document.activeElement === input) render(data); })
      .catch(function () { /* aborted or offline: keep the plain form */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (event) {
    var open = !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) { fetchSuggestions(); return; }
      highlight(active + 1 < options.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp") {
      if (!open) return;
      event.preventDefault();
      highlight(active > 0 ? active - 1 : options.length - 1);
    } else if (event.key === "Enter") {
      if (open && active >= 0) { event.preventDefault(); choose(active); }
    } else if (event.key === "Escape") {
      if (open) { event.preventDefault(); close(); } else { input.value = ""; }
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();

// Facets start folded on phones (except the first two and any in use); open them all on wider screens.
(function () {
  if (!window.matchMedia || !window.matchMedia("(min-width: 56em)").matches) return;
  document.querySelectorAll(".search-facets details").forEach(function (details) { details.open = true; });
})();
