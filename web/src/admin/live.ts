// The monitor's own WebSocket client. The page's shared one (../client.ts) lets
// graphql-ws reconnect a dropped socket by itself, re-sending each subscription as first
// sent; for the monitor that would ask again from the start (`since` unset). Here a
// drop ends the subscription instead (retryAttempts 0), and monitor.ts opens it again
// with `since` = the last event id it showed, so the server sends exactly what was missed.
import { ApolloClient, InMemoryCache } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { createClient } from "graphql-ws";

import { session } from "../app.js";

/** `connected` is called each time its socket is (again) accepted by the server. */
export function liveClient(connected: () => void): ApolloClient {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = createClient({
    url: `${scheme}//${location.host}/graphql`,
    retryAttempts: 0,
    on: { connected },
    connectionParams: () => {
      const token = session.accessToken;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
  return new ApolloClient({ cache: new InMemoryCache(), link: new GraphQLWsLink(socket) });
}
