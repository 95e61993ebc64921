// Apollo Client as any frontend would set it up: the default InMemoryCache with the
// exported possibleTypes.json (without it the cache drops every `... on UserError`),
// queries and mutations over HTTP to /graphql, subscriptions over graphql-ws on the same
// path, the access token in `Authorization` and in connection_init's payload.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import type { PossibleTypesMap } from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { OperationTypeNode } from "graphql";
import { createClient } from "graphql-ws";

import possibleTypesJson from "../../possibleTypes.json";

const TOKEN_KEY = "casino-club.accessToken";

/**
 * Dispatches "reconnected" when the WebSocket is connected again after it was lost. graphql-ws
 * then subscribes again with each subscription's original variables; a stream that resumes
 * by `since` (notices.ts) opens itself anew, from the last id it saw, when it hears this.
 */
export const reconnections = new EventTarget();

export class Session {
  private token: string | null = sessionStorage.getItem(TOKEN_KEY);

  get accessToken(): string | null {
    return this.token;
  }

  set accessToken(value: string | null) {
    this.token = value;
    if (value === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, value);
  }
}

export function createApollo(session: Session): ApolloClient {
  const possibleTypes: PossibleTypesMap = possibleTypesJson;
  const auth = new SetContextLink((previous) => {
    const token = session.accessToken;
    return {
      headers: { ...previous.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    };
  });
  const http = new HttpLink({ uri: "/graphql" });
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new GraphQLWsLink(
    createClient({
      url: `${scheme}//${location.host}/graphql`,
      // Read at each (re)connection, so a reconnect after login carries the new token.
      connectionParams: () => {
        const token = session.accessToken;
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      on: {
        connected: (_socket, _payload, wasRetry) => {
          if (wasRetry) reconnections.dispatchEvent(new Event("reconnected"));
        },
      },
    }),
  );
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return (
        definition.kind === "OperationDefinition" &&
        definition.operation === OperationTypeNode.SUBSCRIPTION
      );
    },
    ws,
    ApolloLink.from([auth, http]),
  );
  return new ApolloClient({ cache: new InMemoryCache({ possibleTypes }), link });
}
