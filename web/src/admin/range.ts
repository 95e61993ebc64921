// The form of a report over a range of game days (the economy, the key figures): two
// dates, the last week by default, and a submit button disabled while a load runs.
import { field, h, input } from "../dom.js";

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 7;

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface RangeForm {
  form: HTMLFormElement;
  firstDay: HTMLInputElement;
  lastDay: HTMLInputElement;
  submit: HTMLButtonElement;
}

/** Ids `${prefix}-first`, `${prefix}-last`, `${prefix}-form`; `onSubmit` on each submit. */
export function rangeForm(prefix: string, maxDays: number, label: string, onSubmit: () => void): RangeForm {
  const now = Date.now();
  const firstDay = input({ id: `${prefix}-first`, name: "firstDay", type: "date", required: "", value: isoDay(now - (DEFAULT_DAYS - 1) * DAY_MS) });
  const lastDay = input({ id: `${prefix}-last`, name: "lastDay", type: "date", required: "", value: isoDay(now) });
  const submit = h("button", { type: "submit" }, label);
  const form = h(
    "form",
    { id: `${prefix}-form`, "aria-label": "Report range" },
    field("First day", firstDay),
    field(`Last day (at most ${maxDays} days on)`, lastDay),
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onSubmit();
  });
  return { form, firstDay, lastDay, submit };
}
