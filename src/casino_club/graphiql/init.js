// GraphiQL with the explorer plugin, against this server's GraphQL endpoint: queries and
// mutations over HTTP, subscriptions over its WebSocket (graphql-transport-ws). The
// headers typed in GraphiQL's headers editor (e.g. {"Authorization": "Bearer <jwt>"})
// go with every HTTP request and in the WebSocket's connection_init payload.
// A file rather than an inline script: the page's Content-Security-Policy allows only 'self'.
(function () {
  "use strict";

  var DEFAULT_QUERY = [
    "# Casino-Club GraphiQL",
    "#",
    "# Sign up or log in (mutations signup / login), then put the token in the",
    "# headers editor below as {\"Authorization\": \"Bearer <accessToken>\"}.",
    "# Run a query with Ctrl-Enter; subscriptions (balanceChanged) stream here too.",
    "",
    "query SlotOdds {",
    "  slotsConfig {",
    "    rtp",
    "    minStake",
    "    maxStake",
    "  }",
    "}",
    "",
  ].join("\n");

  var container = document.getElementById("graphiql");
  var endpoint = new URL(container.dataset.endpoint, window.location.href);
  var subscriptionUrl = new URL(endpoint.href);
  subscriptionUrl.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

  // A query to share travels in the page's URL as ?q=… (not ?query=, which /graphql
  // would run instead of showing GraphiQL).
  var parameters = new URLSearchParams(window.location.search);

  function remember(name, value) {
    if (value) {
      parameters.set(name, value);
    } else {
      parameters.delete(name);
    }
    var search = parameters.toString();
    window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  var fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: subscriptionUrl.href,
  });
  var explorer = GraphiQLPluginExplorer.explorerPlugin();

  function CasinoGraphiQL() {
    var query = React.useState(parameters.get("q") || DEFAULT_QUERY);
    var variables = React.useState(parameters.get("variables") || undefined);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      query: query[0],
      variables: variables[0],
      onEditQuery: function (value) {
        query[1](value);
        remember("q", value);
      },
      onEditVariables: function (value) {
        variables[1](value);
        remember("variables", value);
      },
      defaultEditorToolsVisibility: true,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    });
  }

  ReactDOM.createRoot(container).render(React.createElement(CasinoGraphiQL));
})();
