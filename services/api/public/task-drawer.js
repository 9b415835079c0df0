// The task drawer: who, what happened (encounter timeline), which alerts went out, the task's
// history, and the two things a care manager does — record an attempt, complete with an outcome —
// each with when it happened (the practice's wall clock), and the correction of a contact time.
import { ApiError, api } from "./api.js";
import { h, notice, replace } from "./dom.js";
import {
  EVENT_KINDS,
  formatDate,
  formatDueIn,
  formatHours,
  formatInZone,
  isOpen,
  label,
  OUTCOMES,
  overdueBy,
  STATUSES,
} from "./format.js";
import { readTaskDetail } from "./task-model.js";
import { fromLocalInput, toLocalInput } from "./zoned-time.js";

/** How an attempt was made (the API's `method`). */
export const ATTEMPT_METHODS = {
  phone: "Phone call",
  video: "Video visit",
  in_person: "In person",
  message: "Message (text, portal, letter)",
};

const HISTORY_ACTIONS = {
  opened: "Task opened",
  reminded: "Reminder sent",
  escalated: "Escalated",
  attempt: "Attempt",
  completed: "Completed",
  cancelled: "Cancelled",
  reassigned: "Reassigned",
  note: "Note",
  contact_corrected: "Contact time corrected",
};

/** How the patient was reached, as the drawer's sentence says it: "Reached … by phone". */
const CONTACT_WORDS = { phone: "phone", video: "video", in_person: "in person", message: "message" };

/** How the patient was reached, as the Complete form asks it. */
const CONTACT_METHODS = {
  phone: "Call",
  in_person: "Visit (in person)",
  video: "Video",
  message: "Message (text, portal)",
};

const humanize = (text) => {
  const s = String(text ?? "").replace(/[_-]+/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** A status badge with the overdue mark in words, not colour alone ("Overdue", or "2 days overdue" when `long`). */
export function statusBadges(task, { long = true } = {}) {
  const late = isOpen(task) ? overdueBy(task.dueAt) : "";
  return [
    h("span", { class: `badge badge-${task.status}` }, label(STATUSES, task.status)),
    late ? h("span", { class: "badge badge-overdue" }, long ? late : "Overdue") : null,
  ];
}

/**
 * Builds the drawer once; `open(taskId)` loads and shows a task. `onChange(task)` runs after the
 * task was changed here, so the list behind it can refresh.
 */
export function createTaskDrawer({ onChange }) {
  const title = h("h2", { id: "task-dialog-title" }, "Task");
  const body = h("div", { class: "drawer-body" });
  const closeButton = h("button", { type: "button", class: "icon-button", "aria-label": "Close" }, "✕");
  const dialog = h(
    "dialog",
    { class: "drawer", "aria-labelledby": "task-dialog-title" },
    h("header", { class: "drawer-header" }, title, closeButton),
    body,
  );
  closeButton.addEventListener("click", () => dialog.close());
  // A click on the backdrop (outside the panel) closes the drawer.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  document.body.append(dialog);

  let current = null;
  let loadSeq = 0;

  async function load(taskId, message) {
    const seq = ++loadSeq;
    try {
      const detail = readTaskDetail(await api(`/api/tasks/${encodeURIComponent(taskId)}`));
      if (seq !== loadSeq) return;
      current = detail;
      title.textContent = detail.task.title;
      replace(body, message ?? null, ...render(detail));
    } catch (error) {
      if (seq !== loadSeq) return;
      title.textContent = "Task";
      replace(body, notice(messageOf(error, "This task could not be loaded."), "error"));
    }
  }

  function render({ task, timeline, alerts, history, matchId, patientId, review }) {
    return [
      h("div", { class: "drawer-status" }, statusBadges(task)),
      pageLinks(matchId, patientId),
      h(
        "dl",
        { class: "facts" },
        fact("Patient", task.patientName),
        task.birthDate ? fact("Date of birth", formatDate(task.birthDate)) : null,
        task.patientIdentifier ? fact("Practice ID", task.patientIdentifier) : null,
        ...(review
          ? [
              fact("Review", review.label),
              fact("Counted from", formatInZone(review.countedFrom, task.practiceTimeZone)),
            ]
          : [
              fact(
                "Event",
                [label(EVENT_KINDS, task.eventKind), task.facility].filter(Boolean).join(" · ") || "—",
              ),
              fact("Event time", formatInZone(task.triggeredAt, task.facilityTimeZone)),
            ]),
        fact("Due", formatDueIn(task.dueAt, task.practiceTimeZone)),
        task.practice ? fact("Practice", task.practice) : null,
        task.assignee ? fact("Assigned to", task.assignee) : null,
        task.program || task.tier
          ? fact(
              "Program",
              [task.program, task.tier ? `Priority ${task.tier}` : ""].filter(Boolean).join(" · "),
            )
          : null,
        task.completedAt ? fact("Completed", formatInZone(task.completedAt, task.practiceTimeZone)) : null,
        task.outcome ? fact("Outcome", label(OUTCOMES, task.outcome)) : null,
        task.contactedAt ? fact("Reached", contactSentence(task, history)) : null,
        task.cancelReason ? fact("Cancelled because", task.cancelReason) : null,
      ),
      isOpen(task) ? actions(task) : null,
      task.status === "completed" && (task.contactedAt || task.outcome === "reached_patient")
        ? correctionForm(task)
        : null,
      review ? null : section("Encounter timeline", timelineList(timeline, task)),
      section("Alerts sent", alertsList(alerts, task.practiceTimeZone)),
      section("History", historyList(history, task.practiceTimeZone)),
      noteForm(task),
    ];
  }

  function noteForm(task) {
    const status = h("div", { class: "form-status" });
    const form = h(
      "form",
      { class: "action-form", "aria-label": "Add a note" },
      h("label", { for: "note-text" }, "Add a note"),
      h("textarea", { id: "note-text", name: "text", rows: 2, maxlength: 4000, required: true }),
      h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Add note")),
      status,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = String(new FormData(form).get("text") ?? "").trim();
      if (!text) return;
      submit(form, status, `/api/tasks/${encodeURIComponent(task.id)}/notes`, { text }, "Note added.");
    });
    return form;
  }

  function actions(task) {
    const completeStatus = h("div", { class: "form-status" });
    const outcomes = Object.entries(OUTCOMES).map(([value, text], i) =>
      h(
        "label",
        { class: "radio" },
        h("input", { type: "radio", name: "outcome", value, required: i === 0 ? true : undefined }),
        text,
      ),
    );
    // When and how the patient was reached: asked only for "Reached patient". A reached attempt's
    // time and method are the defaults (the server keeps them when they are left alone), else now.
    const contact = contactFields(task, "complete", {
      whenLabel: "When did you reach the patient?",
      at: task.contactedAt,
      method: task.contactMethod,
    });
    contact.box.hidden = true;
    const completeForm = h(
      "form",
      { class: "action-form", "aria-labelledby": "complete-heading" },
      h("h3", { id: "complete-heading" }, "Complete the task"),
      h("fieldset", { class: "radios" }, h("legend", {}, "Outcome"), outcomes),
      contact.box,
      h("label", { for: "complete-note" }, "Completion note (optional)"),
      h("textarea", { id: "complete-note", name: "note", rows: 2, maxlength: 2000 }),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, "Complete")),
      completeStatus,
    );
    completeForm.addEventListener("change", (event) => {
      if (event.target.name === "outcome") contact.box.hidden = event.target.value !== "reached_patient";
    });
    completeForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(completeForm);
      const outcome = data.get("outcome");
      if (!outcome) {
        replace(completeStatus, notice("Choose an outcome first.", "error"));
        return;
      }
      const reached = outcome === "reached_patient";
      const when = reached ? contact.read() : { ok: true };
      if (!when.ok) {
        replace(completeStatus, notice(when.error, "error"));
        return;
      }
      const note = String(data.get("note") ?? "").trim();
      submit(
        completeForm,
        completeStatus,
        `/api/tasks/${encodeURIComponent(task.id)}/complete`,
        {
          outcome,
          ...(reached && when.at ? { contactedAt: when.at } : {}),
          ...(reached ? { contactMethod: contact.method.value } : {}),
          ...(note ? { note } : {}),
        },
        `Task completed: ${label(OUTCOMES, outcome)}.`,
      );
    });

    const attemptStatus = h("div", { class: "form-status" });
    // When the attempt was made (now unless changed); for a reached attempt, when the patient was reached.
    const attemptWhen = whenField(task, "attempt", "When was the attempt made?");
    const attemptForm = h(
      "form",
      { class: "action-form", "aria-labelledby": "attempt-heading" },
      h("h3", { id: "attempt-heading" }, "Record an attempt"),
      h(
        "div",
        { class: "field-row" },
        h(
          "div",
          { class: "field" },
          h("label", { for: "attempt-method" }, "Method"),
          h(
            "select",
            { id: "attempt-method", name: "method", required: true },
            Object.entries(ATTEMPT_METHODS).map(([value, text]) => h("option", { value }, text)),
          ),
        ),
        h(
          "div",
          { class: "field" },
          h("label", { for: "attempt-outcome" }, "Result (optional)"),
          h(
            "select",
            { id: "attempt-outcome", name: "outcome" },
            h("option", { value: "" }, "—"),
            ["reached_patient", "left_message", "unable_to_reach", "declined"].map((value) =>
              h("option", { value }, OUTCOMES[value]),
            ),
          ),
        ),
      ),
      attemptWhen.box,
      h("label", { for: "attempt-note" }, "Attempt note (optional)"),
      h("textarea", { id: "attempt-note", name: "note", rows: 2, maxlength: 2000 }),
      h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Record attempt")),
      attemptStatus,
    );
    attemptForm.addEventListener("change", (event) => {
      if (event.target.name === "outcome")
        attemptWhen.label.textContent =
          event.target.value === "reached_patient"
            ? "When did you reach the patient?"
            : "When was the attempt made?";
    });
    attemptForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(attemptForm);
      const outcome = String(data.get("outcome") ?? "");
      const note = String(data.get("note") ?? "").trim();
      const when = attemptWhen.read();
      if (!when.ok) {
        replace(attemptStatus, notice(when.error, "error"));
        return;
      }
      submit(
        attemptForm,
        attemptStatus,
        `/api/tasks/${encodeURIComponent(task.id)}/attempts`,
        {
          method: data.get("method"),
          ...(outcome ? { outcome } : {}),
          ...(when.at ? { at: when.at } : {}),
          ...(note ? { note } : {}),
        },
        "Attempt recorded.",
      );
    });

    return h("div", { class: "actions" }, completeForm, attemptForm);
  }

  /** "Open the event" and "Open the patient": the pages behind the task; following one closes the drawer. */
  function pageLinks(matchId, patientId) {
    const link = (href, text) => h("a", { href, "data-route": "", onclick: () => dialog.close() }, text);
    const links = [
      matchId ? link(`/events/${encodeURIComponent(matchId)}`, "Open the event") : null,
      patientId ? link(`/patients/${encodeURIComponent(patientId)}`, "Open the patient") : null,
    ].filter(Boolean);
    return links.length === 0
      ? null
      : h(
          "p",
          { class: "drawer-links" },
          links.flatMap((l, i) => (i ? [" · ", l] : [l])),
        );
  }

  /** A completed task's contact time, corrected (PATCH, audited with the old and new value). */
  function correctionForm(task) {
    const status = h("div", { class: "form-status" });
    const contact = contactFields(task, "correct", {
      whenLabel: "When was the patient reached?",
      at: task.contactedAt ?? task.completedAt,
      method: task.contactMethod,
      always: true,
    });
    const form = h(
      "form",
      { class: "correction-form" },
      contact.box,
      h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Save contact time")),
      status,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const when = contact.read();
      if (!when.ok) {
        replace(status, notice(when.error, "error"));
        return;
      }
      submit(
        form,
        status,
        `/api/tasks/${encodeURIComponent(task.id)}/contact`,
        { contactedAt: when.at, contactMethod: contact.method.value },
        "Contact time corrected.",
        "PATCH",
      );
    });
    return h(
      "details",
      { class: "action-form correction" },
      h("summary", {}, "Correct when the patient was reached"),
      form,
    );
  }

  async function submit(form, status, path, payload, done, method = "POST") {
    const buttons = form.querySelectorAll("button");
    for (const b of buttons) b.disabled = true;
    replace(status, notice("Saving…"));
    try {
      await api(path, { method, body: payload });
      const id = current?.task.id;
      if (id) await load(id, notice(done));
      body.scrollTop = 0;
      onChange?.(current?.task);
    } catch (error) {
      replace(status, notice(messageOf(error, "That did not save. Try again."), "error"));
      for (const b of buttons) b.disabled = false;
    }
  }

  return {
    /**
     * Shows a miss of a quality report from the report's own row, for roles that read reports but
     * not tasks (quality staff): what happened and why it is a miss, without the task's history.
     */
    showMiss(miss) {
      ++loadSeq;
      current = null;
      title.textContent = "Missed follow-up";
      replace(
        body,
        h(
          "div",
          { class: "drawer-status" },
          h("span", { class: "badge badge-overdue" }, missReasonText(miss)),
        ),
        h(
          "dl",
          { class: "facts" },
          fact("Patient", miss.patientName ?? "—"),
          fact("Practice", miss.organizationName),
          fact("Care manager", miss.careManagerName ?? "Unassigned"),
          miss.program || miss.tier
            ? fact(
                "Program",
                [miss.program, miss.tier ? `Priority ${miss.tier}` : ""].filter(Boolean).join(" · "),
              )
            : null,
          fact("Facility and visit", `${miss.facility} · ${miss.visitNumber}`),
          // The practice's zone (a miss carries it), named: the window and the due date are its days.
          fact("Event time", formatInZone(miss.triggeredAt, miss.timeZone)),
          fact("Window ended", formatInZone(miss.windowEndsAt, miss.timeZone)),
          fact("Task due", formatDueIn(miss.dueAt, miss.timeZone).replace(/^due /, "")),
          fact("Task status", label(STATUSES, miss.status)),
          miss.outcome ? fact("Outcome", label(OUTCOMES, miss.outcome)) : null,
          miss.completedAt ? fact("Completed", formatInZone(miss.completedAt, miss.timeZone)) : null,
          miss.hoursToContact != null ? fact("Time to contact", formatHours(miss.hoursToContact)) : null,
        ),
        h(
          "p",
          { class: "muted" },
          "The task itself, with its history, is open to the practice's care managers and admins.",
        ),
      );
      if (!dialog.open) dialog.showModal();
    },
    /** Shows the drawer and loads `taskId` into it. */
    open(taskId) {
      current = null;
      title.textContent = "Task";
      replace(body, notice("Loading task…"));
      if (!dialog.open) dialog.showModal();
      return load(taskId);
    },
    close: () => dialog.close(),
  };
}

/**
 * A datetime-local input on the practice's wall clock (never the browser's zone), defaulting to
 * `at` or now, with the chosen moment spelled out under it with its zone. `read()` gives
 * `{ ok, at }`: `at` is the ISO instant, or undefined when the default "now" was left alone (the
 * server then takes its own now), or `{ ok: false, error }` for a time that cannot be right.
 */
function whenField(task, prefix, text, at = null) {
  const zone = task.practiceTimeZone;
  const initial = toLocalInput(at ?? new Date(), zone);
  const id = `${prefix}-when`;
  const input = h("input", {
    id,
    name: "when",
    type: "datetime-local",
    value: initial,
    min: toLocalInput(task.triggeredAt, zone),
    required: true,
    "aria-describedby": `${id}-hint`,
  });
  const hint = h("span", { class: "hint", id: `${id}-hint` });
  const showHint = () => {
    const moment = fromLocalInput(input.value, zone);
    hint.textContent = moment
      ? `Practice time: ${formatInZone(moment, zone)}`
      : `Practice time (${zone}): enter a date and time`;
  };
  input.addEventListener("input", showHint);
  showHint();
  const labelEl = h("label", { for: id }, text);
  return {
    box: h("div", { class: "field" }, labelEl, input, hint),
    label: labelEl,
    read() {
      if (input.value === initial && at === null) return { ok: true, at: undefined };
      const moment = fromLocalInput(input.value, zone);
      if (!moment) return { ok: false, error: `That time does not exist in the practice's zone (${zone}).` };
      if (moment.getTime() > Date.now() + 60_000) return { ok: false, error: "That time is in the future." };
      if (moment.getTime() < new Date(task.triggeredAt).getTime() - 60_000)
        return {
          ok: false,
          error: `That is before the event (${formatInZone(task.triggeredAt, zone)}).`,
        };
      // Unchanged from a recorded contact: nothing to send, the server keeps it.
      if (input.value === initial) return { ok: true, at: undefined };
      return { ok: true, at: moment.toISOString() };
    },
  };
}

/** "When?" and "How?" for reaching the patient; `always`: the time is sent even when unchanged. */
function contactFields(task, prefix, { whenLabel, at, method, always = false }) {
  const when = whenField(task, prefix, whenLabel, at ?? null);
  const how = h(
    "select",
    { id: `${prefix}-how`, name: "contactMethod" },
    Object.entries(CONTACT_METHODS).map(([value, text]) =>
      h("option", { value, selected: value === (method ?? "phone") ? true : undefined }, text),
    ),
  );
  const box = h(
    "fieldset",
    { class: "contact-fields" },
    h("legend", {}, "Contact"),
    h(
      "div",
      { class: "field-row" },
      when.box,
      h("div", { class: "field" }, h("label", { for: `${prefix}-how` }, "How?"), how),
    ),
  );
  return {
    box,
    method: how,
    read() {
      const result = when.read();
      if (!result.ok || !always || result.at) return result;
      // Left as it was (only "How?" changed): the recorded moment, to the second.
      return { ok: true, at: new Date(at).toISOString() };
    },
  };
}

/**
 * "Tue Mar 10, 9:15 AM EDT by phone (entered Thu Mar 12, 4:00 PM EDT)": when the patient was
 * reached, and when that was written down if it was later (the history entry that set it).
 */
function contactSentence(task, history) {
  const zone = task.practiceTimeZone;
  const reached = formatInZone(task.contactedAt, zone);
  const how = task.contactMethod ? ` by ${label(CONTACT_WORDS, task.contactMethod)}` : "";
  const setBy = history.find((e) => e.detail && e.detail.contactedAt === task.contactedAt);
  const entered = setBy ? formatInZone(setBy.at, zone) : null;
  return `${reached}${how}${entered && entered !== reached ? ` (entered ${entered})` : ""}`;
}

function fact(term, value) {
  return [h("dt", {}, term), h("dd", {}, value)];
}

function section(heading, content) {
  return h("section", { class: "drawer-section" }, h("h3", {}, heading), content);
}

function timelineList(events, task) {
  if (events.length === 0) return h("p", { class: "muted" }, "No encounter events recorded.");
  return h(
    "ol",
    { class: "timeline" },
    events.map((e) =>
      h(
        "li",
        {},
        // The facility's zone for this encounter's events; another facility's are shown in the practice's.
        h(
          "time",
          { datetime: e.at ?? "" },
          formatInZone(
            e.at,
            e.facility === task.facilityCode ? task.facilityTimeZone : task.practiceTimeZone,
          ),
        ),
        h(
          "span",
          { class: e.retracted ? "timeline-what retracted" : "timeline-what" },
          label(EVENT_KINDS, e.kind),
        ),
        e.retracted ? h("span", { class: "badge" }, "Cancelled by the hospital") : null,
        e.facility
          ? h("span", { class: "muted" }, e.facility === task.facilityCode ? task.facility : e.facility)
          : null,
        e.thisEncounter === false ? h("span", { class: "badge" }, "Earlier visit") : null,
      ),
    ),
  );
}

function alertsList(alerts, timeZone) {
  if (alerts.length === 0) return h("p", { class: "muted" }, "No alerts sent for this task.");
  return h(
    "ul",
    { class: "plain-list" },
    alerts.map((a) =>
      h(
        "li",
        {},
        h("time", { datetime: a.at ?? "" }, formatInZone(a.at, timeZone)),
        " ",
        [
          humanize(a.purpose || "alert"),
          a.channel ? `by ${a.channel}` : "",
          a.recipient ? `to ${a.recipient}` : "",
        ]
          .filter(Boolean)
          .join(" "),
        a.status ? [" ", h("span", { class: `badge badge-delivery-${a.status}` }, humanize(a.status))] : null,
      ),
    ),
  );
}

function historyList(history, timeZone) {
  if (history.length === 0) return h("p", { class: "muted" }, "No history yet.");
  return h(
    "ol",
    { class: "plain-list" },
    history.map((entry) => {
      const d = entry.detail && typeof entry.detail === "object" ? entry.detail : {};
      const parts = [
        d.method ? label(ATTEMPT_METHODS, d.method) : "",
        // "Reached patient Thu Dec 3, 9:15 AM EST by phone": a completion with its contact time.
        d.outcome
          ? `${label(OUTCOMES, d.outcome)}${entry.action === "completed" && d.contactedAt ? ` ${reachedAt(d, timeZone)}` : ""}`
          : "",
        // The moment it happened, when it was entered later or corrected.
        entry.action === "attempt" && d.at ? `made ${formatInZone(d.at, timeZone)}` : "",
        entry.action === "contact_corrected"
          ? `${d.previousContactedAt ? formatInZone(d.previousContactedAt, timeZone) : "none"} → ${reachedAt(d, timeZone)}`
          : "",
        entry.fromStatus && entry.toStatus && entry.fromStatus !== entry.toStatus && !d.outcome
          ? `→ ${label(STATUSES, entry.toStatus)}`
          : "",
      ].filter(Boolean);
      return h(
        "li",
        {},
        h("time", { datetime: entry.at ?? "" }, formatInZone(entry.at, timeZone)),
        " ",
        h("strong", {}, HISTORY_ACTIONS[entry.action] ?? humanize(entry.action)),
        parts.length ? ` — ${parts.join(", ")}` : "",
        entry.actor ? h("span", { class: "muted" }, ` by ${actorName(entry.actor)}`) : null,
        [d.note, d.text, d.reason]
          .filter((t) => typeof t === "string" && t)
          .map((t) => h("div", { class: "note" }, t)),
      );
    }),
  );
}

/** "Thu Dec 3, 9:15 AM EST by phone": a history entry's contact time and method. */
const reachedAt = (d, timeZone) =>
  `${formatInZone(d.contactedAt, timeZone)}${d.contactMethod ? ` by ${label(CONTACT_WORDS, d.contactMethod)}` : ""}`;

/** Who did it, as a person reads it: the user's e-mail, or Homeward for its own timers. */
function actorName(actor) {
  if (actor === "notifier" || actor === "sweeper") return "Homeward";
  if (actor.startsWith("user:")) return "a user";
  return actor;
}

const MISS_REASONS = {
  "open-in-window": "Open, window still running",
  overdue: "No contact, window passed",
  "late-contact": "Reached after the window",
  "no-contact": "Closed without contact",
};

/** Why a task of a report is a miss, in words. */
export function missReasonText(miss) {
  const base = MISS_REASONS[miss.reason] ?? label(STATUSES, miss.status);
  if (miss.reason === "late-contact" && miss.hoursToContact != null)
    return `${base} (${formatHours(miss.hoursToContact)})`;
  if (miss.reason === "no-contact" && miss.outcome)
    return `${base}: ${label(OUTCOMES, miss.outcome).toLowerCase()}`;
  return base;
}

export function messageOf(error, fallback) {
  if (error instanceof ApiError) {
    if (error.status === 403) return "You do not have access to this.";
    if (error.status === 404) return "Not found. It may belong to another practice or have been removed.";
    return error.message || fallback;
  }
  return fallback;
}
