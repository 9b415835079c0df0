// The agenda of the plan–practice call: about 10 patients from the combined high-risk list, each
// with what happened in the last 30 days and the open tasks, printable and as CSV.
import { api, download, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { EVENT_KINDS, formatDate, formatDayIn, formatDueIn, formatInZone, label } from "./format.js";
import { ENROLLMENT_STATUSES, LEADS, listChoices, listParams, metText, SIDES } from "./high-risk-model.js";
import { messageOf } from "./task-drawer.js";

const REASONS = {
  "both-lists-recent-event": "On both lists, event in the last 30 days",
  "open-tasks": "Open tasks",
  "recent-event": "Event in the last 30 days",
  "goal-not-met": "Goal not met yet",
};

function listsText(entry) {
  const parts = [];
  if (entry.planRank)
    parts.push(
      `Plan #${entry.planRank}${entry.planRiskScore != null ? ` (score ${entry.planRiskScore.toFixed(2)})` : ""}`,
    );
  if (entry.practiceRank) parts.push(`Practice #${entry.practiceRank}`);
  return parts.join(" · ") || "—";
}

/** "Joint", or each side's word when they differ ("Plan says plan · Practice says practice"). */
function leadText(entry) {
  if (entry.leadAgreed) return LEADS[entry.planLead];
  const said = entry.enrollments.filter((x) => x.leadOrganization);
  if (said.length === 0) return "Not set";
  if (new Set(said.map((x) => x.leadOrganization)).size === 1) return LEADS[said[0].leadOrganization];
  return [
    said.map((x) => `${SIDES[x.side]} says ${LEADS[x.leadOrganization].toLowerCase()}`).join(" · "),
    " ",
    h("span", { class: "badge badge-warn" }, "Not agreed"),
  ];
}

/** The goal once when both sides share it, else each side's. */
function goalLines(entry) {
  const goalOf = (x) => (x.goal ? `${x.goal} (${metText(x.goalMet).toLowerCase()})` : null);
  const distinct = new Set(entry.enrollments.map(goalOf));
  if (distinct.size === 1) return [...distinct][0] ?? h("span", { class: "muted" }, "No goal yet");
  return entry.enrollments.map((x) =>
    h("div", {}, `${SIDES[x.side]}: `, goalOf(x) ?? h("span", { class: "muted" }, "no goal yet")),
  );
}

const perSide = (entry, read) => entry.enrollments.map((e) => `${SIDES[e.side]}: ${read(e)}`);

function item(it, practiceZone) {
  const e = it.entry;
  const u = e.utilization;
  const useText = (count, at, zone) =>
    `${count} in 6 months${at ? `, last ${formatDayIn(at, zone ?? practiceZone)}` : ""}`;
  return h(
    "li",
    { class: "card agenda-item" },
    h(
      "header",
      { class: "agenda-item-header" },
      h(
        "h2",
        {},
        `${it.order}. `,
        h(
          "a",
          { href: `/patients/${encodeURIComponent(e.patient.id)}`, "data-route": "" },
          e.patient.displayName,
        ),
      ),
      h("span", { class: `badge badge-reason-${it.reason}` }, REASONS[it.reason] ?? it.reason),
    ),
    h(
      "dl",
      { class: "facts agenda-facts" },
      h("dt", {}, "Born"),
      h("dd", {}, e.patient.birthDate ? formatDate(e.patient.birthDate) : "—"),
      h("dt", {}, "Lists"),
      h("dd", {}, listsText(e)),
      h("dt", {}, "Tier · status"),
      h(
        "dd",
        {},
        perSide(
          e,
          (x) =>
            `${x.riskTier ? `Priority ${x.riskTier}` : "no tier"}, ${ENROLLMENT_STATUSES[x.status] ?? x.status}`,
        ).join(" · "),
      ),
      h("dt", {}, "Lead"),
      h("dd", {}, leadText(e)),
      h("dt", {}, "Care managers"),
      h("dd", {}, perSide(e, (x) => x.careManager?.displayName ?? "none named").join(" · ")),
      h("dt", {}, "Goal"),
      h("dd", {}, goalLines(e)),
      h("dt", {}, "Hospital use"),
      h(
        "dd",
        {},
        `ED visits: ${useText(u.edVisits6mo, u.lastEdVisitAt, u.lastEdVisitTimeZone)} · ` +
          `Admissions: ${useText(u.admissions6mo, u.lastAdmissionAt, u.lastAdmissionTimeZone)}`,
      ),
    ),
    h(
      "div",
      { class: "agenda-columns" },
      h(
        "section",
        {},
        h("h3", {}, "Last 30 days"),
        it.recentEvents.length === 0
          ? h("p", { class: "muted" }, "No events.")
          : h(
              "ul",
              { class: "plain-list" },
              it.recentEvents.map((ev) =>
                h(
                  "li",
                  {},
                  h("time", { datetime: ev.occurredAt }, formatInZone(ev.occurredAt, ev.facility.timeZone)),
                  " — ",
                  label(EVENT_KINDS, ev.kind),
                  `, ${ev.facility.name}`,
                ),
              ),
            ),
      ),
      h(
        "section",
        {},
        h("h3", {}, "Open tasks"),
        it.openTasks.length === 0
          ? h("p", { class: "muted" }, "None.")
          : h(
              "ul",
              { class: "plain-list" },
              it.openTasks.map((t) =>
                h(
                  "li",
                  {},
                  t.title,
                  " — ",
                  formatDueIn(t.dueAt, t.timeZone),
                  t.assignee ? ` · ${t.assignee}` : " · unassigned",
                  new Date(t.dueAt) < new Date()
                    ? [" ", h("span", { class: "badge badge-overdue" }, "Overdue")]
                    : null,
                ),
              ),
            ),
      ),
    ),
    h(
      "div",
      { class: "print-only next-steps" },
      h("div", {}, "Next steps:"),
      h("div", {}, "Who:"),
      h("div", {}, "Report back by:"),
    ),
  );
}

/** Builds the agenda view (address: /high-risk/agenda?organizationId=&planOrganizationId=). */
export function createAgenda() {
  const heading = h("h1", { id: "agenda-heading", tabindex: -1 }, "Agenda for the plan–practice call");
  const subtitle = h("p", { class: "muted view-subtitle" });
  const status = h("div", { role: "status" });
  const items = h("ol", { class: "agenda-items" });
  const printButton = h("button", { type: "button", onclick: () => window.print() }, "Print");
  const csvButton = h("button", { type: "button" }, "Download CSV");
  const back = h("a", { class: "button-link", href: "/high-risk", "data-route": "" }, "Back to the list");
  const view = h(
    "section",
    { class: "view agenda", "aria-labelledby": "agenda-heading" },
    h(
      "div",
      { class: "view-header" },
      h("div", {}, heading, subtitle),
      h("div", { class: "toolbar no-print" }, back, printButton, csvButton),
    ),
    h(
      "p",
      { class: "muted agenda-rule" },
      "Order: patients on both lists with an event in the last 30 days, then patients with open tasks, then other recent events, then goals not yet met. Tracking-list patients are reviewed apart.",
    ),
    status,
    items,
  );

  let current = null;
  let loadSeq = 0;

  csvButton.addEventListener("click", async () => {
    if (!current) return;
    csvButton.disabled = true;
    try {
      await download(
        `/api/care-management/high-risk-list/agenda${query({ ...current, format: "csv" })}`,
        "agenda.csv",
      );
      replace(status);
    } catch (error) {
      replace(status, notice(messageOf(error, "The CSV could not be downloaded."), "error"));
    } finally {
      csvButton.disabled = false;
    }
  });

  async function load() {
    const seq = ++loadSeq;
    replace(status, notice("Loading the agenda…"));
    replace(items);
    try {
      const params = listParams();
      let organizationId = params.organizationId;
      if (!organizationId) organizationId = (await listChoices())[0]?.id;
      if (!organizationId) {
        replace(status, notice("You have no practice whose high-risk list you may open."));
        return;
      }
      current = { organizationId, planOrganizationId: params.planOrganizationId || undefined };
      const body = await api(`/api/care-management/high-risk-list/agenda${query(current)}`);
      if (seq !== loadSeq) return;
      current.planOrganizationId = body.plan?.id;
      back.setAttribute("href", `/high-risk${query(current)}`);
      const date = formatDate(body.date);
      replace(
        subtitle,
        `${body.practice.name}${body.plan ? ` and ${body.plan.name}` : ""} · ${date} · ${body.items.length} patient${body.items.length === 1 ? "" : "s"}`,
      );
      replace(
        status,
        body.items.length === 0
          ? notice("No patient needs discussing: no recent events, open tasks or unmet goals.")
          : null,
      );
      replace(
        items,
        body.items.map((it) => item(it, body.practice.timeZone)),
      );
    } catch (error) {
      if (seq !== loadSeq) return;
      replace(status, notice(messageOf(error, "The agenda could not be loaded."), "error"));
    }
  }

  return {
    element: view,
    heading,
    refresh: () => load(),
    show() {
      load();
      return "Call agenda";
    },
  };
}
