// The patient page (/patients/:id): the patient as the signed-in user's organizations may see them.
// Care team and enrollments over time (with goal history), every encounter Homeward routed to them
// (each event linking to its event page), the tasks with their history, the alerts sent and to whom,
// and the identifiers and demographics with who said each. Event times in the facility's zone, due
// and alert times in the practice's.
import { api } from "./api.js";
import { h, notice, replace, table } from "./dom.js";
import {
  card,
  ENROLLMENT_STATUSES,
  fact,
  identifierText,
  LEADS,
  noTaskSentence,
  SEXES,
  taskBadges,
} from "./event.js";
import { EVENT_KINDS, formatDate, formatDueIn, formatInZone, label } from "./format.js";
import { messageOf } from "./task-drawer.js";

const HISTORY_ACTIONS = {
  opened: "Opened",
  reminded: "Reminder sent",
  escalated: "Escalated",
  attempt: "Attempt",
  completed: "Completed",
  cancelled: "Cancelled",
  reassigned: "Reassigned",
  note: "Note",
};
const SETTINGS = {
  ed: "ED",
  inpatient: "Inpatient",
  outpatient: "Outpatient",
  observation: "Observation",
  "pre-admit": "Pre-admission",
};
const ENCOUNTER_STATUSES = {
  active: "in progress",
  discharged: "discharged",
  cancelled: "cancelled",
  "on-leave": "on leave",
};
const PURPOSES = {
  alert: "Alert",
  retraction: "Correction",
  reminder: "Reminder",
  escalation: "Escalation",
  digest: "Digest",
};
const DELIVERY_STATUSES = {
  held: "Held for digest",
  scheduled: "Scheduled",
  queued: "Sending",
  sent: "Sent",
  failed: "Failed, retrying",
  dead: "Failed",
  skipped: "Not sent",
};

const goalMet = (value) => (value === true ? "Met" : value === false ? "Not met" : "Not yet assessed");
const period = (from, to) => `${formatDate(from)} – ${to ? formatDate(to) : "now"}`;
const actorName = (entry) =>
  entry.actorName ?? (entry.actor === "notifier" || entry.actor === "sweeper" ? "Homeward" : entry.actor);

/** Builds the patient page once per session; `show(id)` loads a patient into it. */
export function createPatientPage({ drawer }) {
  const heading = h("h1", { id: "patient-heading", tabindex: -1 }, "Patient");
  const summary = h("div", { class: "patient-summary" });
  const body = h("div", { class: "patient-body" });
  const element = h(
    "section",
    { class: "view patient-page", "aria-labelledby": "patient-heading" },
    h("div", { class: "view-header" }, h("div", {}, heading, summary)),
    body,
  );
  let currentId = null;
  let seq = 0;

  async function load(id) {
    const mine = ++seq;
    try {
      const detail = await api(`/api/patients/${encodeURIComponent(id)}`);
      if (mine !== seq) return;
      render(detail);
    } catch (error) {
      if (mine !== seq) return;
      heading.textContent = "Patient";
      replace(summary);
      replace(body, notice(messageOf(error, "This patient could not be loaded."), "error"));
    }
  }

  function render(d) {
    const p = d.patient;
    const zoneOf = new Map(d.organizations.map((o) => [o.id, o.timeZone]));
    const practiceZone = d.organizations[0]?.timeZone ?? "America/New_York";
    heading.textContent = p.displayName;
    const own = d.identifiers.filter((i) => i.sources.some((s) => s.kind === "organization"));
    replace(
      summary,
      h(
        "p",
        { class: "muted" },
        [
          p.birthDate ? `Born ${formatDate(p.birthDate)}` : null,
          p.sex ? label(SEXES, p.sex) : null,
          ...own.map(identifierText),
          `Shown for ${d.organizations.map((o) => o.name).join(", ")}`,
        ]
          .filter(Boolean)
          .join(" · "),
      ),
    );
    replace(
      body,
      h("div", { class: "grid-2" }, careTeam(d), encounters(d)),
      tasks(d, zoneOf, practiceZone),
      alerts(d, zoneOf, practiceZone),
      sources(d),
    );
  }

  function careTeam(d) {
    return card(
      "Care team and enrollments",
      "patient-care-team",
      d.attributions.length === 0
        ? h("p", { class: "muted" }, "Not attributed to your organization.")
        : h(
            "ul",
            { class: "plain-list" },
            d.attributions.map((a) =>
              h(
                "li",
                {},
                h("strong", {}, a.kind === "panel" ? "Panel" : "Attributed"),
                ` to ${a.organization.name}`,
                a.pcp
                  ? ` · PCP ${[a.pcp.name, `NPI ${a.pcp.npi}`].filter(Boolean).join(", ")}`
                  : " · no PCP named",
                h("div", { class: "muted" }, `${period(a.effectiveFrom, a.effectiveTo)} · ${a.source}`),
              ),
            ),
          ),
      d.enrollments.length === 0
        ? h("p", { class: "muted" }, "Not on a care-management list of your organization.")
        : d.enrollments.map((en) => enrollment(en)),
    );
  }

  function enrollment(en) {
    const c = en.current;
    const title = `${en.program} — ${en.listedBy.name}'s ${en.side === "plan" ? "plan" : "practice"} list`;
    return h(
      "div",
      { class: "enrollment" },
      h("h3", { class: "subheading" }, title),
      c
        ? h(
            "dl",
            { class: "facts" },
            fact("Status", label(ENROLLMENT_STATUSES, c.status)),
            fact("Risk tier", c.riskTier ? `Priority ${c.riskTier}` : "—"),
            fact("Lead organization", c.leadOrganization ? label(LEADS, c.leadOrganization) : "—"),
            fact("Care manager", c.careManager?.displayName ?? "None named"),
            fact("Goal", c.goal ? `${c.goal} (${goalMet(c.goalMet)})` : "No goal set"),
            fact("Since", formatDate(c.effectiveFrom)),
          )
        : h("p", { class: "muted" }, "Ended."),
      en.periods.length > 1 || !c
        ? h(
            "details",
            { class: "history" },
            h("summary", {}, `History (${en.periods.length} periods)`),
            table({
              label: `${title}: history`,
              className: "data-table compact",
              columns: [
                { label: "Period" },
                { label: "Status" },
                { label: "Tier" },
                { label: "Lead" },
                { label: "Care manager" },
                { label: "Goal" },
              ],
              rows: en.periods.map((r) =>
                h(
                  "tr",
                  {},
                  h("td", { class: "nowrap" }, period(r.effectiveFrom, r.effectiveTo)),
                  h("td", {}, label(ENROLLMENT_STATUSES, r.status)),
                  h("td", {}, r.riskTier ?? "—"),
                  h("td", {}, r.leadOrganization ? label(LEADS, r.leadOrganization) : "—"),
                  h("td", {}, r.careManager?.displayName ?? "—"),
                  h("td", {}, r.goal ? `${r.goal} (${goalMet(r.goalMet)})` : "—"),
                ),
              ),
            }),
          )
        : null,
    );
  }

  function encounters(d) {
    return card(
      "Encounters",
      "patient-encounters",
      d.encounters.length === 0
        ? h("p", { class: "muted" }, "No hospital encounter was routed to your organization.")
        : h(
            "ol",
            { class: "encounter-list" },
            d.encounters.map((x) => {
              const zone = x.facility.timeZone;
              return h(
                "li",
                {},
                h(
                  "div",
                  {},
                  h("strong", {}, x.facility.name ?? x.facility.code),
                  ` · ${[label(SETTINGS, x.setting), label(ENCOUNTER_STATUSES, x.status)].filter(Boolean).join(", ")}`,
                  h("span", { class: "muted" }, ` · visit ${x.visitNumber}`),
                ),
                h(
                  "div",
                  { class: "muted encounter-when" },
                  [
                    x.startedAt ? `from ${formatInZone(x.startedAt, zone)}` : null,
                    x.dischargedAt ? `to ${formatInZone(x.dischargedAt, zone)}` : null,
                  ]
                    .filter(Boolean)
                    .join(" "),
                ),
                h(
                  "ul",
                  { class: "plain-list" },
                  x.events.map((ev) =>
                    h(
                      "li",
                      {},
                      h("time", { datetime: ev.occurredAt }, formatInZone(ev.occurredAt, zone)),
                      " ",
                      h(
                        "a",
                        { href: `/events/${encodeURIComponent(ev.matchId)}`, "data-route": "" },
                        label(EVENT_KINDS, ev.kind),
                      ),
                      ev.copy === "monitor" ? h("span", { class: "badge" }, "Monitor copy") : null,
                      ev.retracted
                        ? h("span", { class: "badge badge-overdue" }, "Cancelled by the hospital")
                        : null,
                      d.organizations.length > 1
                        ? h("span", { class: "muted" }, ` ${ev.organization.name}`)
                        : null,
                      ev.noTask ? h("div", { class: "muted" }, noTaskSentence(ev.noTask)) : null,
                    ),
                  ),
                ),
              );
            }),
          ),
    );
  }

  function tasks(d, zoneOf, practiceZone) {
    return card(
      "Tasks",
      "patient-tasks",
      d.tasks.length === 0
        ? h("p", { class: "muted" }, "No follow-up task for this patient.")
        : h(
            "ul",
            { class: "task-history-list" },
            d.tasks.map(({ task, history }) => {
              const zone = zoneOf.get(task.organization.id) ?? practiceZone;
              return h(
                "li",
                {},
                h(
                  "div",
                  { class: "task-line" },
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
                  " ",
                  taskBadges(task),
                  h(
                    "span",
                    { class: "muted" },
                    ` ${[
                      task.status === "completed"
                        ? `completed ${formatInZone(task.completedAt, zone)}`
                        : formatDueIn(task.dueAt, zone),
                      task.assignee?.displayName ?? "Unassigned",
                      // A periodic review has no encounter.
                      task.facility
                        ? `${task.facility.name ?? task.facility.code}, visit ${task.visitNumber}`
                        : null,
                    ]
                      .filter(Boolean)
                      .join(" · ")}`,
                  ),
                ),
                h(
                  "details",
                  { class: "history" },
                  h("summary", {}, `History (${history.length})`),
                  h(
                    "ol",
                    { class: "plain-list" },
                    history.map((entry) => {
                      const detail = entry.detail && typeof entry.detail === "object" ? entry.detail : {};
                      return h(
                        "li",
                        {},
                        h("time", { datetime: entry.at }, formatInZone(entry.at, zone)),
                        " ",
                        h("strong", {}, HISTORY_ACTIONS[entry.action] ?? entry.action),
                        ` by ${actorName(entry)}`,
                        [detail.note, detail.text, detail.reason]
                          .filter((t) => typeof t === "string" && t)
                          .map((t) => h("div", { class: "note" }, t)),
                      );
                    }),
                  ),
                ),
              );
            }),
          ),
    );
  }

  function alerts(d, zoneOf, practiceZone) {
    const kindOf = new Map(d.encounters.flatMap((x) => x.events.map((ev) => [ev.matchId, ev.kind])));
    const what = (a) =>
      [label(PURPOSES, a.purpose), kindOf.has(a.matchId) ? label(EVENT_KINDS, kindOf.get(a.matchId)) : null]
        .filter(Boolean)
        .join(": ");
    return card(
      "Alerts sent",
      "patient-alerts",
      d.alerts.length === 0
        ? h("p", { class: "muted" }, "No alert about this patient was sent to your organization.")
        : table({
            label: "Alerts sent about this patient",
            className: "data-table",
            columns: [
              { label: "When (practice time)" },
              { label: "What" },
              { label: "To" },
              { label: "Channel" },
              { label: "Status" },
            ],
            rows: d.alerts.map((a) =>
              h(
                "tr",
                {},
                h(
                  "td",
                  { class: "nowrap" },
                  formatInZone(
                    a.sentAt ?? a.sendAfter ?? a.createdAt,
                    zoneOf.get(a.organization.id) ?? practiceZone,
                  ),
                ),
                h(
                  "td",
                  {},
                  kindOf.has(a.matchId)
                    ? h("a", { href: `/events/${encodeURIComponent(a.matchId)}`, "data-route": "" }, what(a))
                    : what(a),
                ),
                h("td", {}, a.recipient.displayName),
                h("td", {}, a.channel),
                h(
                  "td",
                  {},
                  h(
                    "span",
                    { class: `badge badge-delivery-${a.status}` },
                    label(DELIVERY_STATUSES, a.status),
                  ),
                ),
              ),
            ),
          }),
    );
  }

  function sources(d) {
    return card(
      "Identifiers and demographics, with their sources",
      "patient-sources",
      h("h3", { class: "subheading first" }, "Identifiers"),
      table({
        label: "Identifiers",
        className: "data-table compact",
        columns: [{ label: "Identifier" }, { label: "Type" }, { label: "Issued by" }, { label: "Source" }],
        rows: d.identifiers.map((i) =>
          h(
            "tr",
            {},
            h("td", {}, i.value),
            h("td", {}, i.typeCode ?? "—"),
            h("td", {}, i.assigningAuthority ?? "—"),
            h("td", {}, i.sources.map((s) => s.label).join("; ")),
          ),
        ),
      }),
      h("h3", { class: "subheading" }, "Demographics, as each source gave them"),
      table({
        label: "Demographics by source",
        className: "data-table compact",
        columns: [
          { label: "Source" },
          { label: "Name" },
          { label: "Date of birth" },
          { label: "Sex" },
          { label: "ZIP" },
          { label: "Phone" },
        ],
        rows: d.demographics.map((x) =>
          h(
            "tr",
            {},
            h("td", {}, x.source.label),
            h("td", {}, [x.givenName, x.middleName, x.familyName].filter(Boolean).join(" ") || "—"),
            h("td", {}, x.birthDate ? formatDate(x.birthDate) : "—"),
            h("td", {}, x.sex ? label(SEXES, x.sex) : "—"),
            h("td", {}, x.postalCode ?? "—"),
            h("td", {}, x.phone ?? "—"),
          ),
        ),
      }),
    );
  }

  return {
    element,
    heading,
    refresh: () => (currentId ? load(currentId) : undefined),
    show([id]) {
      currentId = decodeURIComponent(id);
      heading.textContent = "Patient";
      replace(summary);
      replace(body, notice("Loading the patient…"));
      load(currentId);
      // The page title carries no patient data.
      return "Patient";
    },
  };
}
