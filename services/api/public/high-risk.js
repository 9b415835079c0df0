// The combined plan + practice high-risk list (the care-management coordination guideline): each
// side's top 30, patients on both lists first, the tracking list apart, and each entry's lead
// organization, status, tier, care manager and patient-centered goal, edited in a dialog.
import { api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { formatDate, formatDayIn } from "./format.js";
import { messageOf } from "./task-drawer.js";

export const LEADS = { practice: "Practice", plan: "Plan", joint: "Joint" };
export const ENROLLMENT_STATUSES = {
  active: "Active",
  monitor: "Monitor",
  tracking_list: "Tracking list",
  ended: "Ended",
};
const SIDES = { plan: "Plan", practice: "Practice" };
const PLAN_KINDS = new Set(["health_plan", "aco"]);

export const tierText = (tier) => (tier ? `Priority ${tier}` : "No tier");
export const metText = (met) => (met === true ? "Met" : met === false ? "Not met" : "Not assessed");

/**
 * The lists the signed-in person can open: a practice's people pick among their practices; a plan's
 * people among the practices whose patients the plan lists. The address bar's organizationId and
 * planOrganizationId win when given.
 */
export async function listChoices() {
  const me = await api("/api/me");
  const organizations = Array.isArray(me?.organizations) ? me.organizations : [];
  let practices = organizations.filter((o) => o.kind === "practice");
  if (practices.length === 0) {
    const plans = organizations.filter((o) => PLAN_KINDS.has(o.kind));
    const listed = await Promise.all(
      plans.map((p) =>
        api(`/api/care-management/high-risk-list/practices${query({ planOrganizationId: p.id })}`)
          .then((body) => body.items)
          .catch(() => []),
      ),
    );
    const seen = new Map();
    for (const p of listed.flat()) seen.set(p.id, p);
    practices = [...seen.values()];
  }
  return practices;
}

/** `organizationId` and `planOrganizationId` from the address bar (ids only; no patient data). */
export function listParams() {
  const params = new URLSearchParams(location.search);
  const id = (key) => (/^\d{1,19}$/.test(params.get(key) ?? "") ? params.get(key) : "");
  return { organizationId: id("organizationId"), planOrganizationId: id("planOrganizationId") };
}

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

const FIELD_LABELS = {
  leadOrganization: "Lead organization",
  status: "Status",
  riskTier: "Tier",
  careManagerRecipientId: "Care manager",
  goal: "Goal",
  goalMet: "Goal met",
};

/**
 * The edit dialog: one enrollment (one side's entry) at a time. "Review changes" lists what will
 * change; "Save" sends only those fields; the list reloads and says what was saved.
 */
function createEditDialog({ onSaved }) {
  const title = h("h2", { id: "hr-edit-title" }, "Edit entry");
  const body = h("div", { class: "modal-body" });
  const closeButton = h("button", { type: "button", class: "icon-button", "aria-label": "Close" }, "✕");
  const dialog = h(
    "dialog",
    { class: "modal", "aria-labelledby": "hr-edit-title" },
    h("header", { class: "drawer-header" }, title, closeButton),
    body,
  );
  closeButton.addEventListener("click", () => dialog.close());
  document.body.append(dialog);

  let entry = null;
  let list = null;

  const careManagerName = (id, enrollment) =>
    id === "" || id == null
      ? "None"
      : (list.careManagers.find((c) => c.id === id)?.displayName ??
        (enrollment.careManager?.id === id ? enrollment.careManager.displayName : id));
  const shown = (key, value, enrollment) => {
    if (key === "leadOrganization") return value ? LEADS[value] : "Not set";
    if (key === "status") return ENROLLMENT_STATUSES[value] ?? value;
    if (key === "riskTier") return tierText(value);
    if (key === "careManagerRecipientId") return careManagerName(value, enrollment);
    if (key === "goalMet") return metText(value);
    return value ? `“${value}”` : "No goal";
  };

  function editForm(enrollment, editable) {
    const owner = (e) => `${e.listedBy.name}'s list · ${e.program}`;
    const which =
      editable.length > 1
        ? h(
            "div",
            { class: "field" },
            h("label", { for: "hr-enrollment" }, "Entry"),
            h(
              "select",
              {
                id: "hr-enrollment",
                onchange: (event) =>
                  showForm(
                    editable.find((e) => e.id === event.target.value),
                    editable,
                  ),
              },
              editable.map((e) =>
                h("option", { value: e.id, selected: e.id === enrollment.id ? true : undefined }, owner(e)),
              ),
            ),
          )
        : h("p", { class: "muted" }, owner(enrollment));
    const select = (id, labelText, options, value) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: id }, labelText),
        h(
          "select",
          { id },
          Object.entries(options).map(([v, text]) =>
            h("option", { value: v, selected: v === (value ?? "") ? true : undefined }, text),
          ),
        ),
      );
    const lead = select(
      "hr-lead",
      "Lead organization",
      { ...(enrollment.leadOrganization ? {} : { "": "Not set" }), ...LEADS },
      enrollment.leadOrganization,
    );
    const statusField = select("hr-status", "Status", ENROLLMENT_STATUSES, enrollment.status);
    const tier = select(
      "hr-tier",
      "Tier",
      { "": "No tier", I: "Priority I", II: "Priority II", III: "Priority III" },
      enrollment.riskTier,
    );
    const allowed = list.careManagers.filter(
      (c) =>
        c.organization.id === enrollment.listedBy.id ||
        c.organization.id === enrollment.practiceOrganizationId,
    );
    const careManager = select(
      "hr-care-manager",
      "Care manager",
      Object.fromEntries([
        ["", "None"],
        ...allowed.map((c) => [
          c.id,
          `${c.displayName} (${c.organization.id === list.practice.id ? "practice" : "plan"})`,
        ]),
        ...(enrollment.careManager && !allowed.some((c) => c.id === enrollment.careManager.id)
          ? [[enrollment.careManager.id, enrollment.careManager.displayName]]
          : []),
      ]),
      enrollment.careManager?.id,
    );
    const goal = h("textarea", { id: "hr-goal", rows: 3, maxlength: 2000 }, enrollment.goal ?? "");
    const met = select(
      "hr-goal-met",
      "Goal met",
      { "": "Not assessed", true: "Met", false: "Not met" },
      enrollment.goalMet === null ? "" : String(enrollment.goalMet),
    );
    const error = h("div", { class: "form-status" });
    const form = h(
      "form",
      { class: "hr-edit-form" },
      which,
      h("div", { class: "field-row" }, lead, statusField),
      h("div", { class: "field-row" }, tier, careManager),
      h(
        "div",
        { class: "field" },
        h("label", { for: "hr-goal" }, "Patient-centered goal"),
        goal,
        h("span", { class: "hint" }, "Confirm it with the patient, and adjust it as needed."),
      ),
      met,
      error,
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary" }, "Review changes"),
      ),
    );
    const fieldValue = (id) => form.querySelector(`#${id}`).value;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const next = {
        leadOrganization: fieldValue("hr-lead") || null,
        status: fieldValue("hr-status"),
        riskTier: fieldValue("hr-tier") || null,
        careManagerRecipientId: fieldValue("hr-care-manager") || null,
        goal: goal.value.trim() || null,
        goalMet: fieldValue("hr-goal-met") === "" ? null : fieldValue("hr-goal-met") === "true",
      };
      const before = {
        leadOrganization: enrollment.leadOrganization,
        status: enrollment.status,
        riskTier: enrollment.riskTier,
        careManagerRecipientId: enrollment.careManager?.id ?? null,
        goal: enrollment.goal,
        goalMet: enrollment.goalMet,
      };
      const changes = Object.keys(next).filter(
        (k) => next[k] !== before[k] && !(k === "leadOrganization" && next[k] === null),
      );
      if (changes.length === 0) {
        replace(error, notice("Nothing changed."));
        return;
      }
      confirmChanges(enrollment, editable, before, next, changes);
    });
    return form;
  }

  function showForm(enrollment, editable) {
    replace(body, editForm(enrollment, editable));
  }

  function confirmChanges(enrollment, editable, before, next, changes) {
    const error = h("div", { class: "form-status" });
    const save = h("button", { type: "button", class: "primary" }, "Save changes");
    const back = h("button", { type: "button", onclick: () => showForm(enrollment, editable) }, "Back");
    save.addEventListener("click", async () => {
      save.disabled = true;
      back.disabled = true;
      replace(error, notice("Saving…"));
      try {
        const payload = Object.fromEntries(changes.map((k) => [k, next[k]]));
        const answer = await api(`/api/care-management/enrollments/${encodeURIComponent(enrollment.id)}`, {
          method: "PATCH",
          body: payload,
        });
        const saved = answer.enrollment;
        const now = {
          leadOrganization: saved.leadOrganization,
          status: saved.status,
          riskTier: saved.riskTier,
          careManagerRecipientId: saved.careManager?.id ?? null,
          goal: saved.goal,
          goalMet: saved.goalMet,
        };
        dialog.close();
        onSaved({
          patientId: entry.patient.id,
          message: `Saved for ${entry.patient.displayName} (${saved.listedBy.name}'s list): ${changes
            .map((k) => `${FIELD_LABELS[k]}: ${shown(k, now[k], saved)}`)
            .join(" · ")}.`,
        });
      } catch (err) {
        save.disabled = false;
        back.disabled = false;
        replace(error, notice(messageOf(err, "The change could not be saved."), "error"));
      }
    });
    replace(
      body,
      h("p", {}, `Change ${enrollment.listedBy.name}'s entry for ${entry.patient.displayName}:`),
      h(
        "dl",
        { class: "facts changes" },
        changes.map((k) => [
          h("dt", {}, FIELD_LABELS[k]),
          h(
            "dd",
            {},
            h("s", { class: "muted" }, shown(k, before[k], enrollment)),
            " → ",
            h("strong", {}, shown(k, next[k], enrollment)),
          ),
        ]),
      ),
      h("p", { class: "muted" }, "The change is recorded in the access log with your name."),
      error,
      h("div", { class: "form-actions toolbar" }, save, back),
    );
    save.focus();
  }

  return {
    open(e, l) {
      entry = e;
      list = l;
      const editable = e.enrollments.filter((x) => x.editable);
      const own = editable.find((x) => l.view === "full" && x.side === "practice") ?? editable[0];
      title.textContent = `Edit: ${e.patient.displayName}`;
      showForm(own, editable);
      if (!dialog.open) dialog.showModal();
    },
  };
}
