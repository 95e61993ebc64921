// The driver's operations, typed by GraphQL Code Generator (codegen.yml plucks these gql
// documents and validates them against schema.graphql like the ones in operations/).
import { gql } from "@apollo/client";
import type { TypedDocumentNode } from "@apollo/client";

import type {
  ApolloCatalogQuery,
  ApolloCatalogQueryVariables,
  ApolloMeGoldQuery,
  ApolloMeGoldQueryVariables,
  ApolloSignupMutation,
  ApolloSignupMutationVariables,
  ApolloSpinMutation,
  ApolloSpinMutationVariables,
} from "../generated/operations.js";

export const SIGNUP: TypedDocumentNode<ApolloSignupMutation, ApolloSignupMutationVariables> = gql`
  mutation ApolloSignup($input: SignupInput!) {
    signup(input: $input) {
      __typename
      ... on AuthPayload {
        accessToken
        user {
          id
          gold
        }
      }
      ... on UserError {
        code
        message
      }
    }
  }
`;

export const ME_GOLD: TypedDocumentNode<ApolloMeGoldQuery, ApolloMeGoldQueryVariables> = gql`
  query ApolloMeGold {
    me {
      id
      gold
    }
  }
`;

// The spin a game screen sends: the success carries the player as the spin left them,
// which is all a normalized cache needs to update `me { gold }` by itself.
export const SPIN: TypedDocumentNode<ApolloSpinMutation, ApolloSpinMutationVariables> = gql`
  mutation ApolloSpin($input: SlotSpinInput!) {
    slotSpin(input: $input) {
      __typename
      ... on SlotSpinSuccess {
        payout
        balance
        player {
          id
          gold
        }
      }
      ... on UserError {
        code
        message
      }
    }
  }
`;

// Public (no token needed): what the persisted-query scenario sends.
export const CATALOG: TypedDocumentNode<ApolloCatalogQuery, ApolloCatalogQueryVariables> = gql`
  query ApolloCatalog {
    catalog {
      id
      sku
      priceCents
    }
  }
`;
