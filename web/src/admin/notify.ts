// Sending a notification: to one player or to everyone. It is delivered live to whoever
// is connected and kept in each player's list. The same form serves the Notifications
// screen (everyone, or a player named by site id) and a player's detail (that player).
import { client } from "../app.js";
import { field, h, input, say } from "../dom.js";
import { ADMIN_PLAYERS, SEND_NOTIFICATION } from "./documents.js";
import { describeAdminFailure, describeRefusal } from "./errors.js";

export interface Recipient {
  id: string;
  nickname: string;
}

async function send(status: HTMLElement, to: Recipient | null, title: string, body: string): Promise<boolean> {
  const { data } = await client.mutate({
    mutation: SEND_NOTIFICATION,
    variables: { input: { userId: to?.id ?? null, title, body } },
  });
  const answer = data?.sendNotification;
  if (answer === undefined) return false;
  if (answer.__typename === "NotificationSent") {
    const whom = to === null ? "every player" : to.nickname;
    say(status, `Sent to ${whom}: “${answer.notification.title}”.`);
    return true;
  }
  say(status, describeRefusal(answer), "error");
  return false;
}

/** The player with exactly this site id (case folded), if any. */
async function bySiteId(siteId: string): Promise<Recipient | null> {
  const { data } = await client.query({
    query: ADMIN_PLAYERS,
    variables: { filter: { search: siteId }, order: "NEWEST", first: 100 },
    fetchPolicy: "network-only",
  });
  const wanted = siteId.toLowerCase();
  const found = data?.adminUsers.edges.find((edge) => edge.node.profile.siteId.toLowerCase() === wanted);
  return found === undefined ? null : { id: found.node.profile.id, nickname: found.node.profile.nickname };
}

/**
 * The form. `to`: the player it goes to; without it the operator chooses everyone or a
 * site id. `prefix` keeps element ids unique when two forms are on the page.
 */
export function notificationForm(prefix: string, to?: Recipient): HTMLFormElement {
  const status = h("p", { id: `${prefix}status`, class: "status", role: "status", "aria-live": "polite" });
  const title = input({ id: `${prefix}title`, name: "title", autocomplete: "off" });
  const body = h("textarea", { id: `${prefix}body`, name: "body", rows: "3" });
  const form = h("form", { id: `${prefix}form`, "aria-label": to ? `Notify ${to.nickname}` : "Send a notification" });
  const audience = h(
    "select",
    { id: `${prefix}audience`, name: "audience" },
    h("option", { value: "everyone" }, "Every player"),
    h("option", { value: "one" }, "One player (by site id)"),
  );
  const siteId = input({ id: `${prefix}site-id`, name: "siteId", autocomplete: "off" });
  const siteIdField = field("Player's site id", siteId);
  if (to === undefined) {
    const sync = (): void => {
      siteIdField.hidden = audience.value !== "one";
    };
    audience.addEventListener("change", sync);
    sync();
    form.append(h("label", {}, h("span", {}, "To"), audience), siteIdField);
  }
  const submit = h("button", { type: "submit" }, to ? `Send to ${to.nickname}` : "Send");
  form.append(
    field("Title", title),
    h("label", {}, h("span", {}, "Text"), body),
    submit,
    status,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit.disabled = true;
    say(status, "Sending…");
    const recipient = async (): Promise<Recipient | null | undefined> => {
      if (to !== undefined) return to;
      if (audience.value === "everyone") return null;
      const wanted = siteId.value.trim();
      if (wanted === "") {
        say(status, "Enter the player's site id, or choose every player.", "error");
        return undefined;
      }
      const found = await bySiteId(wanted);
      if (found === null) say(status, `No player has the site id “${wanted}”; nothing was sent.`, "error");
      return found ?? undefined;
    };
    recipient()
      .then(async (whom) => {
        if (whom === undefined) return;
        if (await send(status, whom, title.value, body.value)) {
          title.value = "";
          body.value = "";
        }
      })
      .catch((failure: unknown) => say(status, describeAdminFailure(failure), "error"))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}

export function notifyScreen(): HTMLElement {
  return h(
    "section",
    { id: "notify", "aria-labelledby": "notify-heading" },
    h("h2", { id: "notify-heading" }, "Send a notification"),
    h("p", {}, "Delivered live to players who are connected and kept in every recipient's notifications."),
    notificationForm("notify-"),
  );
}
