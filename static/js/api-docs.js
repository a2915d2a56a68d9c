// Swagger UI for /api/v1/docs/ (templates/api/docs.html): the schema URL comes from a data
// attribute, so the page needs no inline script under the Content-Security-Policy.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: node.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    // BaseLayout, without the standalone preset's top bar: its logo is an SVG with an inline
    // <style>, which the policy blocks.
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
