// The combined plan + practice high-risk list (the care-management coordination guideline): each
// side's top 30, patients on both lists first, the tracking list apart, and each entry's lead
// organization, status, tier, care manager and patient-centered goal, edited in a dialog.
import { api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { formatDate, formatDayIn } from "./format.js";
import { createEditDialog } from "./high-risk-edit.js";
import { ENROLLMENT_STATUSES, LEADS, listChoices, listParams, metText, SIDES } from "./high-risk-model.js";
import { messageOf } from "./task-drawer.js";

/** "Mon Mar 9 · 2 in 6 months", or "None in 6 months". */
function useText(at, zone, count, fallbackZone) {
  const last = at ? `Last ${formatDayIn(at, zone ?? fallbackZone)}` : "None seen";
  return `${last} · ${count} in 6 mo`;
}

/** One side's goal with its met state, and its history when it has one. */
function goalBlock(enrollment, showSide) {
  const history = enrollment.goalHistory ?? [];
  return h(
    "div",
    { class: "goal" },
    showSide ? h("span", { class: "goal-side" }, `${SIDES[enrollment.side]}: `) : null,
    enrollment.goal ? h("span", {}, enrollment.goal) : h("span", { class: "muted" }, "No goal yet"),
    " ",
    enrollment.goal
      ? h("span", { class: `badge badge-goal-${String(enrollment.goalMet)}` }, metText(enrollment.goalMet))
      : null,
    history.length > 1
      ? h(
          "details",
          { class: "goal-history" },
          h("summary", {}, `Goal history (${history.length})`),
          h(
            "ol",
            { class: "plain-list" },
            history.map((v) =>
              h(
                "li",
                {},
                h("span", {}, v.goal ?? "No goal"),
                " — ",
                metText(v.goalMet),
                h(
                  "div",
                  { class: "muted" },
                  v.to ? `${formatDate(v.from)} to ${formatDate(v.to)}` : `Since ${formatDate(v.from)}`,
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

function sideCells(entry, side) {
  const place = side === "plan" ? entry.planRank : entry.practiceRank;
  const tier = side === "plan" ? entry.planRiskTier : entry.practiceRiskTier;
  const status = side === "plan" ? entry.planStatus : entry.practiceStatus;
  const listed = entry.enrollments.some((e) => e.side === side);
  if (!listed) return [h("td", { class: "muted side-start" }, "Not listed"), h("td", {})];
  return [
    h(
      "td",
      { class: "side-start nowrap" },
      place ? `#${place}` : "—",
      side === "plan" && entry.planRiskScore != null
        ? h("div", { class: "muted" }, `score ${entry.planRiskScore.toFixed(2)}`)
        : null,
      side === "practice" && entry.practiceFlag ? h("div", { class: "muted" }, "flagged") : null,
    ),
    h(
      "td",
      { class: "nowrap" },
      tier ? `Priority ${tier}` : h("span", { class: "muted" }, "No tier"),
      h("div", {}, h("span", { class: `badge badge-cm-${status}` }, ENROLLMENT_STATUSES[status] ?? status)),
    ),
  ];
}

function leadCell(entry) {
  if (entry.leadAgreed) return h("td", {}, LEADS[entry.planLead]);
  const said = [
    entry.planLead ? `Plan says ${LEADS[entry.planLead].toLowerCase()}` : null,
    entry.practiceLead ? `Practice says ${LEADS[entry.practiceLead].toLowerCase()}` : null,
  ].filter(Boolean);
  if (said.length === 1) return h("td", {}, LEADS[entry.planLead ?? entry.practiceLead]);
  if (said.length === 0) return h("td", { class: "muted" }, "Not set");
  return h(
    "td",
    {},
    h("span", { class: "badge badge-warn" }, "Not agreed"),
    said.map((s) => h("div", { class: "muted" }, s)),
  );
}

function careManagerCell(entry) {
  const names = entry.enrollments.map((e) => ({ side: e.side, name: e.careManager?.displayName }));
  if (names.every((n) => !n.name)) return h("td", { class: "muted" }, "None named");
  return h(
    "td",
    {},
    names.map((n) =>
      h(
        "div",
        {},
        n.name ?? h("span", { class: "muted" }, "—"),
        h("span", { class: "muted" }, ` (${SIDES[n.side].toLowerCase()})`),
      ),
    ),
  );
}

function goalCell(entry) {
  const withGoal = entry.enrollments;
  const goals = new Set(withGoal.map((e) => `${e.goal}|${e.goalMet}`));
  if (goals.size <= 1) {
    const first = withGoal.find((e) => (e.goalHistory ?? []).length > 1) ?? withGoal[0];
    return h("td", { class: "goal-col" }, first ? goalBlock(first, false) : null);
  }
  return h(
    "td",
    { class: "goal-col" },
    withGoal.map((e) => goalBlock(e, true)),
  );
}

/**
 * Builds the high-risk list view: the list chosen in the address bar (or the first the user may
 * open), its sections, and the edit dialog; after a save the list reloads and says what was saved.
 */
export function createHighRiskList() {
  const heading = h("h1", { id: "high-risk-heading", tabindex: -1 }, "High-risk list");
  const subtitle = h("p", { class: "muted view-subtitle" });
  const practiceSelect = h("select", { id: "hr-practice", name: "organizationId" });
  const planSelect = h("select", { id: "hr-plan", name: "planOrganizationId" });
  const agendaLink = h(
    "a",
    { class: "button-link", href: "/high-risk/agenda", "data-route": "" },
    "Agenda for the plan–practice call",
  );
  const status = h("div", { class: "hr-status", role: "status" });
  const summary = h("div", { class: "hr-summary" });
  const listBox = h("div", { class: "table-box" });
  const trackingBox = h("div", { class: "table-box" });
  const trackingCard = h(
    "section",
    { class: "card", "aria-labelledby": "tracking-heading" },
    h("div", { class: "card-header" }, h("h2", { id: "tracking-heading" }, "Tracking list")),
    h(
      "p",
      { class: "muted card-note" },
      "Patients not yet engaged: after one more outreach attempt, reviewed every six months. Not ranked with the lists above.",
    ),
    trackingBox,
  );
  const form = h(
    "form",
    { class: "hr-form", "aria-label": "Which list" },
    h("div", { class: "field" }, h("label", { for: "hr-practice" }, "Practice"), practiceSelect),
    h("div", { class: "field" }, h("label", { for: "hr-plan" }, "Plan"), planSelect),
  );
  const view = h(
    "section",
    { class: "view high-risk", "aria-labelledby": "high-risk-heading" },
    h(
      "div",
      { class: "view-header" },
      h("div", {}, heading, subtitle),
      h("div", { class: "toolbar" }, agendaLink),
    ),
    form,
    status,
    h(
      "section",
      { class: "card", "aria-labelledby": "combined-heading" },
      h("div", { class: "card-header" }, h("h2", { id: "combined-heading" }, "Combined list"), summary),
      listBox,
    ),
    trackingCard,
  );

  let practices = null;
  let list = null;
  let loadSeq = 0;
  let lastSaved = null;
  const dialog = createEditDialog({
    onSaved: (saved) => {
      lastSaved = saved;
      load();
    },
  });

  function fillSelect(select, options, value, emptyText) {
    replace(
      select,
      options.length === 0 ? h("option", { value: "" }, emptyText) : null,
      options.map((o) => h("option", { value: o.id, selected: o.id === value ? true : undefined }, o.name)),
    );
    select.disabled = options.length <= 1;
  }

  function go(params) {
    const next = `/high-risk${query(params)}`;
    if (next !== location.pathname + location.search) history.pushState(null, "", next);
    load();
  }
  practiceSelect.addEventListener("change", () => go({ organizationId: practiceSelect.value }));
  planSelect.addEventListener("change", () =>
    go({ organizationId: practiceSelect.value, planOrganizationId: planSelect.value }),
  );

  function row(entry) {
    const editable = entry.enrollments.filter((e) => e.editable);
    const saved = lastSaved?.patientId === entry.patient.id;
    return h(
      "tr",
      { class: saved ? "just-saved" : undefined, dataset: { patientId: entry.patient.id } },
      h("td", { class: "num" }, entry.rank > 0 ? String(entry.rank) : ""),
      h(
        "th",
        { scope: "row", class: "patient-col" },
        h(
          "a",
          { href: `/patients/${encodeURIComponent(entry.patient.id)}`, "data-route": "" },
          entry.patient.displayName,
        ),
        entry.patient.birthDate
          ? h("div", { class: "muted" }, `Born ${formatDate(entry.patient.birthDate)}`)
          : null,
      ),
      ...sideCells(entry, "plan"),
      ...sideCells(entry, "practice"),
      leadCell(entry),
      careManagerCell(entry),
      goalCell(entry),
      h(
        "td",
        { class: "use-col" },
        h(
          "div",
          {},
          h("span", { class: "use-label" }, "ED "),
          useText(
            entry.utilization.lastEdVisitAt,
            entry.utilization.lastEdVisitTimeZone,
            entry.utilization.edVisits6mo,
            list.practice.timeZone,
          ),
        ),
        h(
          "div",
          {},
          h("span", { class: "use-label" }, "Adm "),
          useText(
            entry.utilization.lastAdmissionAt,
            entry.utilization.lastAdmissionTimeZone,
            entry.utilization.admissions6mo,
            list.practice.timeZone,
          ),
        ),
      ),
      h(
        "td",
        { class: "actions-col" },
        editable.length > 0
          ? h(
              "button",
              {
                type: "button",
                class: "small",
                "aria-label": `Edit ${entry.patient.displayName}`,
                onclick: () => dialog.open(entry, list),
              },
              "Edit",
            )
          : null,
      ),
    );
  }

  function head() {
    return h(
      "thead",
      {},
      h(
        "tr",
        { class: "group-row" },
        h("th", { colspan: 2 }, ""),
        h(
          "th",
          { colspan: 2, scope: "colgroup", class: "side-start" },
          list.plan ? `Plan · ${list.plan.name}` : "Plan",
        ),
        h("th", { colspan: 2, scope: "colgroup", class: "side-start" }, `Practice · ${list.practice.name}`),
        h("th", { colspan: 5 }, ""),
      ),
      h(
        "tr",
        {},
        [
          "#",
          "Patient",
          "Place",
          "Tier · status",
          "Place",
          "Tier · status",
          "Lead",
          "Care manager",
          "Patient-centered goal",
          "Hospital use (6 mo)",
          "",
        ].map((label, i) =>
          h(
            "th",
            { scope: "col", class: i === 2 || i === 4 ? "side-start" : i === 10 ? "actions-col" : undefined },
            label,
          ),
        ),
      ),
    );
  }

  function section(title, entries, emptyText) {
    return h(
      "tbody",
      {},
      h(
        "tr",
        { class: "section-row" },
        h("th", { colspan: 11, scope: "rowgroup" }, `${title} (${entries.length})`),
      ),
      entries.length === 0
        ? h("tr", {}, h("td", { colspan: 11, class: "muted" }, emptyText))
        : entries.map(row),
    );
  }

  function render() {
    const both = list.entries.filter((e) => e.listedBy === "both");
    const planOnly = list.entries.filter((e) => e.listedBy === "plan");
    const practiceOnly = list.entries.filter((e) => e.listedBy === "practice");
    replace(
      subtitle,
      list.plan
        ? `${list.practice.name} and ${list.plan.name}: each side's top ${list.perSide}, patients on both lists first.`
        : `${list.practice.name}: no plan lists patients of this practice yet.`,
    );
    if (list.view === "plan") subtitle.append(" You see the patients your plan's list names.");
    replace(
      summary,
      h(
        "span",
        { class: "muted" },
        `Plan lists ${list.planListed} · practice lists ${list.practiceListed} · ${list.entries.length} shown`,
      ),
    );
    agendaLink.setAttribute(
      "href",
      `/high-risk/agenda${query({ organizationId: list.practice.id, planOrganizationId: list.plan?.id })}`,
    );
    replace(
      listBox,
      list.entries.length === 0
        ? h("p", { class: "empty" }, "Neither list names a patient of this practice yet.")
        : h(
            "table",
            { class: "data-table hr-table", "aria-label": "Combined high-risk list" },
            head(),
            section("On both lists", both, "No patient is on both lists."),
            section("Plan's list only", planOnly, "None."),
            list.view === "plan" ? null : section("Practice's list only", practiceOnly, "None."),
          ),
    );
    replace(
      trackingBox,
      list.trackingList.length === 0
        ? h("p", { class: "empty" }, "No one is on the tracking list.")
        : h(
            "table",
            { class: "data-table hr-table", "aria-label": "Tracking list" },
            head(),
            h("tbody", {}, list.trackingList.map(row)),
          ),
    );
    if (lastSaved) {
      replace(status, notice(lastSaved.message));
    }
  }

  async function load() {
    const seq = ++loadSeq;
    try {
      if (practices === null) practices = await listChoices();
      const params = listParams();
      const organizationId = params.organizationId || practices[0]?.id;
      if (!organizationId) {
        replace(status, notice("You have no practice whose high-risk list you may open."));
        replace(listBox);
        replace(trackingBox);
        return;
      }
      if (!lastSaved) replace(status, notice("Loading the list…"));
      const body = await api(
        `/api/care-management/high-risk-list${query({ organizationId, planOrganizationId: params.planOrganizationId })}`,
      );
      if (seq !== loadSeq) return;
      list = body;
      const known = practices.some((p) => p.id === list.practice.id)
        ? practices
        : [...practices, list.practice];
      fillSelect(practiceSelect, known, list.practice.id, "No practice");
      fillSelect(planSelect, list.plans, list.plan?.id, "No plan lists these patients");
      if (!lastSaved) replace(status);
      render();
    } catch (error) {
      if (seq !== loadSeq) return;
      replace(status, notice(messageOf(error, "The list could not be loaded."), "error"));
    }
  }

  return {
    element: view,
    heading,
    refresh: () => load(),
    show() {
      lastSaved = null;
      replace(status);
      load();
      return "High-risk list";
    },
  };
}
