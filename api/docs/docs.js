// Starts Swagger UI on /docs with the service's own contract. A separate file,
// not an inline script, so the page's Content-Security-Policy can forbid
// inline scripts.

// "Try it out" goes to the server that serves this page, wherever it runs: the
// contract's `servers` names the local development address.
function ThisServer() {
  return {
    statePlugins: {
      spec: {
        wrapActions: {
          updateJsonSpec: function (original) {
            return function (spec) {
              var servers = [{ url: window.location.origin, description: 'This server' }];
              return original(Object.assign({}, spec, { servers: servers }));
            };
          },
        },
      },
    },
  };
}

window.addEventListener('DOMContentLoaded', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.yaml',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Never ask validator.swagger.io (or anything else) about the contract:
    // the page works offline and talks only to this server.
    validatorUrl: null,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    tryItOutEnabled: false,
    persistAuthorization: false,
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [ThisServer],
    layout: 'BaseLayout',
  });
});
