// What the page tells the server of the player's activity (recordActivity): each screen
// shown, the shop opened, a buy button pressed. The operators' shop funnel and segments
// read it. Each event carries an id of its own, so a retry counts once; sending is best
// effort and never in the player's way (a refusal or a network error is dropped).
import { client } from "./app.js";
import { RECORD_ACTIVITY } from "./documents.js";
import type { ActivityType } from "./generated/operations.js";

export function record(eventType: ActivityType, metadata: Record<string, string> = {}): void {
  client
    .mutate({ mutation: RECORD_ACTIVITY, variables: { input: { eventType, eventId: crypto.randomUUID(), metadata } } })
    .catch(() => undefined);
}
