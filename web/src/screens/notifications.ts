// Notifications: the operators' messages to the player and to everyone, newest first, a
// page at a time ("More" asks for the next page by the connection's cursor). New ones
// arrive live (notices.ts, which the header started) and go to the top; one can be marked
// read, or all at once, and the header's unread count follows the server's answer.
import { client } from "../app.js";
import { MARK_NOTIFICATIONS_READ, NOTIFICATIONS_PAGE } from "../documents.js";
import { h, say } from "../dom.js";
import { describe, describeFailure } from "../errors.js";
import type { MarkNotificationsReadInput } from "../generated/operations.js";
import { type Notice, onNotice } from "../notices.js";

const PAGE = 10;

export function notificationsScreen(): HTMLElement {
  const section = h("section", { id: "notifications", "aria-labelledby": "notifications-title" }, h("h2", { id: "notifications-title" }, "Notifications"));
  const status = h("p", { id: "notifications-status", class: "status", role: "status", "aria-live": "polite" }, "Loading your notifications…");
  const markAll = h("button", { type: "button", id: "notifications-mark-all" }, "Mark all read");
  const list = h("ol", { id: "notifications-list", class: "notices" });
  const more = h("button", { type: "button", id: "notifications-more", hidden: "" }, "More notifications");
  section.append(h("p", {}, markAll), status, list, h("p", {}, more));

  const items = new Map<string, { notice: Notice; element: HTMLLIElement; button: HTMLButtonElement }>();
  let after: string | null = null;

  const showRead = (id: string): void => {
    const item = items.get(id);
    if (item === undefined) return;
    item.notice = { ...item.notice, read: true };
    item.element.classList.remove("unread");
    item.element.querySelector(".notice-state")?.replaceChildren("Read");
    item.button.hidden = true;
  };

  const mark = (input: MarkNotificationsReadInput, done: () => void, button: HTMLButtonElement): void => {
    button.disabled = true;
    client
      .mutate({ mutation: MARK_NOTIFICATIONS_READ, variables: { input } })
      .then(({ data }) => {
        const answer = data?.markNotificationsRead;
        if (!answer) return;
        if (answer.__typename === "NotificationsMarked") {
          done();
          say(status, `${answer.marked} marked read; ${answer.unreadCount} unread.`);
        } else {
          say(status, describe(answer), "error");
        }
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"))
      .finally(() => {
        button.disabled = false;
      });
  };

  const item = (notice: Notice): HTMLLIElement => {
    const button = h("button", { type: "button", class: "mark-read" }, `Mark "${notice.title}" read`);
    const element = h(
      "li",
      { "data-notification": notice.id, class: notice.read ? "notice" : "notice unread" },
      h("h3", {}, notice.title),
      h("p", {}, notice.body),
      h(
        "p",
        { class: "quiet" },
        `${notice.broadcast ? "To everyone" : "To you"}, ${new Date(notice.sentAt).toLocaleString()}. `,
        h("span", { class: "notice-state" }, notice.read ? "Read" : "Unread"),
      ),
      button,
    );
    button.hidden = notice.read;
    button.addEventListener("click", () => mark({ ids: [notice.id] }, () => showRead(notice.id), button));
    items.set(notice.id, { notice, element, button });
    return element;
  };

  markAll.addEventListener("click", () =>
    mark(
      { all: true },
      () => {
        for (const id of items.keys()) showRead(id);
      },
      markAll,
    ),
  );

  const load = (): void => {
    more.disabled = true;
    client
      .query({ query: NOTIFICATIONS_PAGE, variables: { first: PAGE, after }, fetchPolicy: "network-only" })
      .then(({ data }) => {
        if (!data) return;
        const page = data.me.notifications;
        // A live one may already be listed: each is shown once.
        list.append(...page.edges.filter((edge) => !items.has(edge.node.id)).map((edge) => item(edge.node)));
        after = page.pageInfo.endCursor ?? null;
        more.hidden = !page.pageInfo.hasNextPage;
        if (items.size === 0) say(status, "No notifications yet.");
        else if (status.textContent === "Loading your notifications…") say(status, "");
      })
      .catch((failure: unknown) => say(status, describeFailure(failure), "error"))
      .finally(() => {
        more.disabled = false;
      });
  };
  more.addEventListener("click", load);

  onNotice((notice) => {
    if (items.has(notice.id)) return;
    list.prepend(item(notice));
    say(status, `New: ${notice.title}`);
  });
  load();
  return section;
}
