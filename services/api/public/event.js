// The event page (/events/:matchId): where an alert's link lands. Who, where and why, the care team,
// the follow-up (the tasks, or why none and a button to open one), the alerts sent. The same words as
// the alert email: the event kind (EVENT_KINDS), "Your copy", "No follow-up task was opened because …".
// Event times are in the facility's zone, due times in the practice's; each names its zone.
import { api } from "./api.js";
import { h, notice, replace, table } from "./dom.js";
import { EVENT_KINDS, formatDate, formatDueIn, formatInZone, label, STATUSES } from "./format.js";
import { messageOf } from "./task-drawer.js";

/** HL7 table 0001, administrative sex. */
export const SEXES = {
  F: "Female",
  M: "Male",
  O: "Other",
  U: "Unknown",
  A: "Ambiguous",
  N: "Not applicable",
  X: "Non-binary (X)",
};

export const COPIES = { lead: "Lead (alert and tasks)", monitor: "Monitor (for information)" };
export const LEADS = { practice: "Practice", plan: "Health plan", joint: "Joint" };
export const ENROLLMENT_STATUSES = {
  active: "Active",
  monitor: "Monitor",
  tracking_list: "Tracking list",
  ended: "Ended",
};
const SETTINGS = {
  ed: "Emergency department",
  inpatient: "Inpatient",
  outpatient: "Outpatient",
  observation: "Observation",
  "pre-admit": "Pre-admission",
};
const ENCOUNTER_STATUSES = {
  active: "In progress",
  discharged: "Discharged",
  cancelled: "Cancelled",
  "on-leave": "On leave",
};
const ROLES = { "care-manager": "Care manager", pcp: "PCP", supervisor: "Supervisor" };
const PURPOSES = {
  alert: "Alert",
  retraction: "Correction",
  reminder: "Reminder",
  escalation: "Escalation",
  digest: "Digest",
};
const CHANNELS = { email: "email", pager: "pager" };
const DELIVERY_STATUSES = {
  held: "Held for digest",
  scheduled: "Scheduled",
  queued: "Sending",
  sent: "Sent",
  failed: "Failed, retrying",
  dead: "Failed",
  skipped: "Not sent",
};
const ASSIGNED_BECAUSE = {
  "care-manager-of-record": "the care manager of record",
  caller: "you (no care manager of record)",
  unassigned: "nobody yet (no care manager of record)",
};

/** The same sentence the alert email says when an event opened no follow-up task. */
export const noTaskSentence = (text) => `No follow-up task was opened because ${text}.`;

export function fact(term, value) {
  if (value === null || value === undefined || value === "") return null;
  return [h("dt", {}, term), h("dd", {}, value)];
}

export function card(title, id, ...content) {
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), ...content);
}

/** "SFM-1001 · MR · SFM". */
/** "SFM-1001 (MR, SFM)": the value, then its type and who issued it. */
export const identifierText = (i) => {
  const about = [i.typeCode, i.assigningAuthority].filter(Boolean).join(", ");
  return about ? `${i.value} (${about})` : i.value;
};

/** A task's status in words, with the API's overdue flag (the server's clock, the practice's calendar). */
export function taskBadges(task) {
  return [
    h("span", { class: `badge badge-${task.status}` }, label(STATUSES, task.status)),
    task.overdue ? h("span", { class: "badge badge-overdue" }, "Overdue") : null,
  ];
}

/** Tasks as a table; each opens the task drawer (its address, /tasks/<id>, is the link). */
export function taskTable(tasks, { drawer, caption }) {
  return table({
    label: caption,
    className: "data-table task-table",
    columns: [
      { label: "Task" },
      { label: "Status" },
      { label: "Due (practice time)" },
      { label: "Assigned to" },
      { label: "", className: "actions-col" },
    ],
    rows: tasks.map((task) =>
      h(
        "tr",
        {},
        h(
          "td",
          {},
          h(
            "a",
            {
              href: `/tasks/${encodeURIComponent(task.id)}`,
              onclick: (event) => {
                event.preventDefault();
                drawer.open(task.id);
              },
            },
            task.title,
          ),
        ),
        h("td", {}, taskBadges(task)),
        h(
          "td",
          { class: "nowrap" },
          task.status === "completed"
            ? `completed ${formatInZone(task.completedAt, task.organization.timeZone)}`
            : formatDueIn(task.dueAt, task.organization.timeZone),
        ),
        h("td", {}, task.assignee?.displayName ?? "Unassigned"),
        h(
          "td",
          { class: "actions-col" },
          h("button", { type: "button", class: "small", onclick: () => drawer.open(task.id) }, "Open"),
        ),
      ),
    ),
  });
}

const SYSTEM_KINDS = {
  davinci_fhir: "FHIR",
  webhook: "webhook",
  hl7v2_mllp: "HL7 v2",
  fhir_subscription: "FHIR Subscription",
};
const SYSTEM_PURPOSES = { notification: "Notification", retraction: "Cancel" };

/**
 * "Notification by FHIR to Springvale EHR" (a subscription's: "Notification to FHIR Subscription
 * 1a2b3c4d (encounter-start)"), with its time, its status and the receiver's answer.
 */
export function systemItems(systems, timeZone) {
  return systems.map((s) =>
    h(
      "li",
      {},
      h("time", { datetime: s.sentAt ?? s.createdAt }, formatInZone(s.sentAt ?? s.createdAt, timeZone)),
      " ",
      s.kind === "fhir_subscription"
        ? `${label(SYSTEM_PURPOSES, s.purpose)} to ${s.endpointName}`
        : `${label(SYSTEM_PURPOSES, s.purpose)} by ${label(SYSTEM_KINDS, s.kind)} to ${s.endpointName}`,
      " ",
      h("span", { class: `badge badge-delivery-${s.status}` }, label(DELIVERY_STATUSES, s.status)),
      systemAnswer(s) ? h("span", { class: "muted" }, ` ${systemAnswer(s)}`) : null,
    ),
  );
}

/** "answered 200 ok · 3 attempts": the receiver's last answer and how many tries it took so far. */
function systemAnswer(s) {
  const tries = s.attempts === 0 ? null : s.attempts === 1 ? "1 attempt" : `${s.attempts} attempts`;
  return [s.responseStatus ? `answered ${s.responseStatus}` : null, tries].filter(Boolean).join(" · ");
}

/** "Alert by email to Robin Lee", with its time in `timeZone` and its status. */
export function alertItems(alerts, timeZone) {
  return alerts.map((a) =>
    h(
      "li",
      {},
      h(
        "time",
        { datetime: a.sentAt ?? a.createdAt },
        formatInZone(a.sentAt ?? a.sendAfter ?? a.createdAt, timeZone),
      ),
      " ",
      `${label(PURPOSES, a.purpose)} by ${label(CHANNELS, a.channel)} to ${a.recipient.displayName}`,
      " ",
      h("span", { class: `badge badge-delivery-${a.status}` }, label(DELIVERY_STATUSES, a.status)),
    ),
  );
}

const nameWithNpi = (p) =>
  p ? [p.name ?? "Name not sent", p.npi ? `NPI ${p.npi}` : ""].filter(Boolean).join(" · ") : null;

/**
 * Builds the event page once per session; `show(matchId)` loads an event into it. `drawer` is the
 * task drawer; after a change there the app calls `refresh`.
 */
export function createEventPage({ drawer }) {
  const heading = h("h1", { id: "event-heading", tabindex: -1 }, "Event");
  const subtitle = h("p", { class: "muted event-subtitle" });
  const status = h("div", { class: "form-status", role: "status" });
  const body = h("div", { class: "event-body" });
  const element = h(
    "section",
    { class: "view event-page", "aria-labelledby": "event-heading" },
    h("div", { class: "view-header" }, h("div", {}, heading, subtitle)),
    status,
    body,
  );
  let current = null;
  let seq = 0;

  async function load(matchId, message) {
    const mine = ++seq;
    try {
      const detail = await api(`/api/events/${encodeURIComponent(matchId)}`);
      if (mine !== seq) return;
      current = detail;
      render(detail);
      replace(status, message ?? null);
    } catch (error) {
      if (mine !== seq) return;
      current = null;
      heading.textContent = "Event";
      replace(subtitle);
      replace(status);
      replace(body, notice(messageOf(error, "This event could not be loaded."), "error"));
    }
  }

  function render(e) {
    const kind = label(EVENT_KINDS, e.event.kind);
    const facility = e.facility.name ?? e.facility.code;
    const when = formatInZone(e.event.occurredAt, e.facility.timeZone);
    heading.textContent = `${kind} — ${facility}`;
    replace(
      subtitle,
      [when, e.organization.name, `Your copy: ${label(COPIES, e.copy)}`].join(" · "),
      e.retraction ? [" ", h("span", { class: "badge badge-overdue" }, "Cancelled by the hospital")] : null,
    );
    replace(
      body,
      e.retraction
        ? notice(
            `The hospital took this event back (${formatInZone(e.retraction.at, e.organization.timeZone)})` +
              `${e.retraction.reason ? `: ${e.retraction.reason}` : ""}. Its tasks were cancelled.`,
            "error",
          )
        : null,
      h("div", { class: "grid-3" }, who(e), where(e), why(e, kind, when)),
      h("div", { class: "grid-2" }, followUp(e), careTeam(e)),
      alertsCard(e),
      (e.systems ?? []).length === 0 ? null : systemsCard(e),
    );
  }

  function who(e) {
    const p = e.patient;
    return card(
      "Who",
      "event-who",
      h(
        "dl",
        { class: "facts" },
        fact(
          "Patient",
          h("a", { href: `/patients/${encodeURIComponent(p.id)}`, "data-route": "" }, p.displayName),
        ),
        fact("Date of birth", p.birthDate ? formatDate(p.birthDate) : null),
        fact("Sex", p.sex ? label(SEXES, p.sex) : null),
        ...p.identifiers.map((i) =>
          fact(i.source === "hospital" ? "Hospital ID" : "Practice ID", identifierText(i)),
        ),
      ),
      h(
        "p",
        { class: "card-link" },
        h(
          "a",
          { href: `/patients/${encodeURIComponent(p.id)}`, "data-route": "" },
          "Open the patient: encounters, enrollments, alerts and tasks",
        ),
      ),
    );
  }

  function where(e) {
    const l = e.location;
    const zone = e.facility.timeZone;
    return card(
      "Where",
      "event-where",
      h(
        "dl",
        { class: "facts" },
        fact("Facility", `${e.facility.name ?? e.facility.code} (${e.facility.code})`),
        fact("Time zone", zone),
        fact("Unit", l?.pointOfCare),
        fact("Room", l?.room),
        fact("Bed", l?.bed),
        fact("Building / floor", [l?.building, l?.floor].filter(Boolean).join(" / ")),
        fact("Location", l?.description),
        fact("Visit number", e.visit.visitNumber),
        fact(
          "Encounter",
          `${label(SETTINGS, e.encounter.setting)} · ${label(ENCOUNTER_STATUSES, e.encounter.status)}`,
        ),
        fact("Service", e.visit.hospitalService),
        fact("Admitted", e.visit.admittedAt ? formatInZone(e.visit.admittedAt, zone) : null),
        fact("Discharged", e.visit.dischargedAt ? formatInZone(e.visit.dischargedAt, zone) : null),
      ),
    );
  }

  function why(e, kind, when) {
    const reason = e.admitReason;
    const flags = [
      e.flags.frequentEd
        ? `Frequent ED use (${e.flags.frequentEd.visits} ED visits in ${e.flags.frequentEd.windowDays} days)`
        : null,
      e.flags.readmission
        ? `30-day readmission (${e.flags.readmission.daysSinceDischarge} days after the discharge of ${formatInZone(
            e.flags.readmission.priorDischargeAt,
            e.facility.timeZone,
          )})`
        : null,
    ].filter(Boolean);
    const disposition = e.discharge?.disposition;
    return card(
      "Why",
      "event-why",
      h(
        "dl",
        { class: "facts" },
        fact("Event", `${kind} (${e.event.trigger})`),
        fact("When", when),
        fact(
          "Admit reason",
          reason ? [reason.text, reason.code ? `(${reason.code})` : ""].filter(Boolean).join(" ") : null,
        ),
        fact(
          "Diagnoses",
          e.diagnoses.length === 0
            ? null
            : h(
                "ul",
                { class: "plain-list compact" },
                e.diagnoses.map((d) =>
                  h(
                    "li",
                    {},
                    [d.code, d.description].filter(Boolean).join(" "),
                    d.type ? h("span", { class: "muted" }, ` · ${d.type}`) : null,
                  ),
                ),
              ),
        ),
        fact(
          "Discharge disposition",
          disposition
            ? `${disposition.label} (${disposition.code})${disposition.community ? "" : " · not to the community"}`
            : null,
        ),
        fact("Discharged to", e.discharge?.dischargedTo),
        fact("Attending", nameWithNpi(e.attendingProvider)),
        fact("PCP named by the hospital", nameWithNpi(e.primaryCareProvider)),
        fact("Flags", flags.length === 0 ? null : flags.join("; ")),
      ),
    );
  }

  function careTeam(e) {
    const t = e.careTeam;
    const en = t.enrollment;
    return card(
      "Care team",
      "event-care-team",
      h(
        "dl",
        { class: "facts" },
        fact("Care manager of record", t.careManager?.displayName ?? "None named"),
        fact(
          "PCP of record",
          t.pcp
            ? [t.pcp.recipient?.displayName ?? t.pcp.name, t.pcp.npi ? `NPI ${t.pcp.npi}` : ""]
                .filter(Boolean)
                .join(" · ")
            : "None on the roster",
        ),
        fact("Program", en ? en.program : "Not enrolled"),
        fact(
          "Risk tier",
          en ? (en.riskTier ? `Priority ${en.riskTier}` : "Unassigned (the list gives no tier)") : null,
        ),
        fact("Enrollment", en ? label(ENROLLMENT_STATUSES, en.status) : null),
        fact("Lead organization", en ? label(LEADS, en.leadOrganization) : null),
        fact("Your copy", label(COPIES, e.copy)),
      ),
      h("h3", { class: "subheading" }, "Alerted for this event"),
      t.alerted.length === 0
        ? h("p", { class: "muted" }, "Nobody was alerted.")
        : h(
            "ul",
            { class: "plain-list" },
            t.alerted.map((a) =>
              h(
                "li",
                {},
                h("strong", {}, a.recipient.displayName),
                ` — ${label(ROLES, a.role)}, ${a.copy} copy`,
                h("div", { class: "muted" }, a.why),
              ),
            ),
          ),
    );
  }

  function followUp(e) {
    const handOpened = e.tasks.some((t) => t.protocolId === "manual");
    const createStatus = h("div", { class: "form-status" });
    const button =
      e.retraction || handOpened
        ? null
        : h(
            "button",
            {
              type: "button",
              class: e.tasks.length === 0 ? "primary" : "",
              onclick: () => create(e, button, createStatus),
            },
            e.tasks.length === 0 ? "Create follow-up task" : "Add a follow-up call",
          );
    const none = e.tasks.length === 0;
    return card(
      "Follow-up",
      "event-follow-up",
      none
        ? h(
            "p",
            { class: "no-task" },
            e.noTask ? noTaskSentence(e.noTask.text) : "No follow-up task was opened for this event.",
          )
        : taskTable(e.tasks, { drawer, caption: "Tasks for this event" }),
      button
        ? h(
            "div",
            { class: "form-actions" },
            button,
            h(
              "p",
              { class: "hint" },
              "A follow-up call, due 2 business days from today on the practice's calendar, for the care manager of record.",
            ),
          )
        : null,
      createStatus,
    );
  }

  async function create(e, button, createStatus) {
    button.disabled = true;
    replace(createStatus, notice("Opening a follow-up task…"));
    try {
      const created = await api(`/api/events/${encodeURIComponent(e.matchId)}/tasks`, { method: "POST" });
      const task = created.task;
      const who = task.assignee?.displayName ?? "nobody yet";
      const because = created.assignedBecause ? ` (${ASSIGNED_BECAUSE[created.assignedBecause]})` : "";
      const text = created.created
        ? `Follow-up task opened: ${formatDueIn(task.dueAt, created.due.timeZone)}, assigned to ${who}${because}.`
        : `This encounter already has a follow-up task: ${formatDueIn(task.dueAt, created.due.timeZone)}, assigned to ${who}.`;
      await load(e.matchId, notice(text));
    } catch (error) {
      replace(createStatus, notice(messageOf(error, "The task could not be opened. Try again."), "error"));
      button.disabled = false;
    }
  }

  function systemsCard(e) {
    return card("Sent to your systems", "event-systems", [
      h("ul", { class: "plain-list" }, systemItems(e.systems, e.organization.timeZone)),
      h("p", { class: "hint" }, `Times in the practice's zone (${e.organization.timeZone}).`),
    ]);
  }

  function alertsCard(e) {
    return card(
      "Alerts sent",
      "event-alerts",
      e.alerts.length === 0
        ? h("p", { class: "muted" }, "No alert was sent to your organization for this event.")
        : [
            h("ul", { class: "plain-list" }, alertItems(e.alerts, e.organization.timeZone)),
            h("p", { class: "hint" }, `Times in the practice's zone (${e.organization.timeZone}).`),
          ],
    );
  }

  return {
    element,
    heading,
    refresh: () => (current ? load(current.matchId) : undefined),
    show([matchId]) {
      current = null;
      heading.textContent = "Event";
      replace(subtitle);
      replace(status);
      replace(body, notice("Loading the event…"));
      load(decodeURIComponent(matchId));
      // The page title carries no patient data.
      return "Event";
    },
  };
}
