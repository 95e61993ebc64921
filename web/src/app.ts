// The page's one session and one Apollo Client, shared by every screen: one cache, so a
// result any screen receives (a `player { id gold level rank }`) updates the header too.
// The WebSocket client under it is shared too, for live.ts to follow and restart.
import { createApollo, Session } from "./client.js";

export const session = new Session();
export const { client, socket } = createApollo(session);
