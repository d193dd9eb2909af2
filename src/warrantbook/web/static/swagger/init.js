// warrantbook: start Swagger UI on this site's own OpenAPI document (no inline script, no validator badge from elsewhere).
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null, deepLinking: false});
});
