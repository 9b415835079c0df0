// The edit dialog of the high-risk list: one side's entry (enrollment) at a time, a review step that
// lists what will change, and a PATCH of only those fields.
import { api } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { ENROLLMENT_STATUSES, LEADS, metText, tierText } from "./high-risk-model.js";
import { messageOf } from "./task-drawer.js";

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
export function createEditDialog({ onSaved }) {
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
