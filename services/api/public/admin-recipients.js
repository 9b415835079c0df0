// Recipients and rules: the people who receive alerts and work tasks, how each wants them (channels
// by event kind and tier, quiet hours, a daily digest), the notification rules that bring people in
// beyond the patient's care team, and a preview of "who would be alerted for this patient and event"
// run through the matcher's own routing and the notifier's own delivery plan.
import { adminFrame, chooseOrganization, when } from "./admin-common.js";
import { api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { EVENT_KINDS, label } from "./format.js";
import { messageOf } from "./task-drawer.js";

const RECIPIENT_ROLES = { care_manager: "Care manager", pcp: "PCP", supervisor: "Supervisor" };
const TABS = { recipients: "Recipients", rules: "Notification rules", preview: "Who would be alerted" };
const BASIS = {
  "care-manager-of-record": "the patient's care manager",
  "pcp-of-record": "the patient's PCP of record",
  "named-by-rule": "named by a rule",
  "role-in-organization": "everyone in the role, by a rule",
};
/** The event kinds an admin writes rules for, the rest under "more". */
const COMMON_KINDS = [
  "ed-arrival",
  "ed-discharge",
  "inpatient-admit",
  "ed-to-inpatient",
  "discharge",
  "transfer",
];

const list = (values) => (values?.length ? values.join(", ") : null);
const kindsText = (kinds) =>
  kinds?.length ? kinds.map((k) => label(EVENT_KINDS, k)).join(", ") : "Any event";

/** Checkboxes for a set of values, "any" when none is ticked. */
function checkboxes(name, options, chosen = []) {
  const boxes = Object.entries(options).map(([value, text]) => {
    const box = h("input", { type: "checkbox", name, value, checked: chosen.includes(value) });
    return { box, node: h("label", { class: "radio" }, box, text) };
  });
  return {
    nodes: boxes.map((b) => b.node),
    read: () => {
      const values = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
      return values.length === 0 ? null : values;
    },
  };
}

/** Event-kind checkboxes: the common kinds, the others behind "more kinds". */
export function kindBoxes(name, chosen = []) {
  const common = checkboxes(name, Object.fromEntries(COMMON_KINDS.map((k) => [k, EVENT_KINDS[k]])), chosen);
  const rest = checkboxes(
    name,
    Object.fromEntries(
      Object.keys(EVENT_KINDS)
        .filter((k) => !COMMON_KINDS.includes(k))
        .map((k) => [k, EVENT_KINDS[k]]),
    ),
    chosen,
  );
  const hasRest = chosen.some((k) => !COMMON_KINDS.includes(k));
  return {
    node: h(
      "div",
      { class: "kind-boxes" },
      common.nodes,
      h(
        "details",
        { open: hasRest },
        h("summary", {}, "More kinds"),
        h("div", { class: "kind-boxes" }, rest.nodes),
      ),
    ),
    read: () => {
      const all = [...(common.read() ?? []), ...(rest.read() ?? [])];
      return all.length === 0 ? null : all;
    },
  };
}

/**
 * One line of a rule (a recipient's channel rule, a notification rule): its label, its boxes, and
 * what leaving them all unticked means.
 */
function rulePart(label, control, hint) {
  return h(
    "div",
    { class: "rule-part" },
    h("span", { class: "rule-label" }, label),
    control,
    hint === undefined ? undefined : h("span", { class: "hint" }, hint),
  );
}

/** How one planned send reads: "E-mail now", "Page after quiet hours, Tue 7:00 AM EST", "E-mail in the digest…". */
function sendText(send) {
  const channel = send.channel === "pager" ? "Page" : "E-mail";
  if (send.status === "queued") return `${channel} at once`;
  if (send.status === "scheduled") return `${channel} when quiet hours end (${when(send.sendAfter)})`;
  return `${channel} in the daily digest (${when(send.sendAfter)})`;
}

export function createRecipients({ session, path, built }) {
  const orgSelect = h("select", { id: "recipients-org", "aria-label": "Organization" });
  const frame = adminFrame({
    id: "admin-recipients",
    title: "Recipients and rules",
    subtitle:
      "Who receives alerts and works tasks, how each wants them, the rules that add people beyond the patient's care team, and who would be alerted for a patient and event.",
    session,
    path,
    built,
    toolbar: [h("label", { for: "recipients-org" }, "Organization"), orgSelect],
  });
  const tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Recipients and rules" });
  const panel = h("div", { class: "tab-panel", role: "tabpanel" });
  const status = h("div", { class: "form-status" });
  replace(frame.body, tabs, status, panel);

  let organizations = [];
  let organizationId = null;
  let tab = "recipients";
  let recipients = [];
  let openPreferences = null;
  let editingRecipient = null;

  orgSelect.addEventListener("change", () => {
    organizationId = orgSelect.value;
    sync();
    render();
  });

  function sync() {
    history.replaceState(
      null,
      "",
      `${path}${query({ tab: tab === "recipients" ? undefined : tab, org: organizationId })}`,
    );
  }

  function renderTabs() {
    replace(
      tabs,
      Object.entries(TABS).map(([id, text]) =>
        h(
          "button",
          {
            type: "button",
            class: "tab",
            role: "tab",
            id: `recipients-tab-${id}`,
            "aria-selected": String(id === tab),
            onclick: () => {
              tab = id;
              replace(status);
              sync();
              render();
            },
          },
          text,
        ),
      ),
    );
    panel.setAttribute("aria-labelledby", `recipients-tab-${tab}`);
  }

  async function load() {
    try {
      ({ organizations, organizationId } = await chooseOrganization(orgSelect));
      const params = new URLSearchParams(location.search);
      tab = params.get("tab") in TABS ? params.get("tab") : "recipients";
      await render();
    } catch (error) {
      replace(panel, notice(messageOf(error, "This screen could not be loaded."), "error"));
    }
  }

  async function render() {
    renderTabs();
    if (!organizationId) {
      replace(panel, h("p", { class: "empty" }, "No organization to administer."));
      return;
    }
    if (tab === "recipients") await renderRecipients();
    else if (tab === "rules") await renderRules();
    else renderPreview();
  }

  // Recipients ----------------------------------------------------------------------------------

  function recipientForm(recipient, onDone) {
    const id = (n) => `recipient-${recipient?.id ?? "new"}-${n}`;
    const input = (name, text, props = {}) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: id(name) }, text),
        h("input", { id: id(name), name, value: recipient?.[name] ?? "", ...props }),
      );
    const formStatus = h("div", { class: "form-status" });
    const form = h(
      "form",
      {
        class: "recipient-form",
        "aria-label": recipient ? `Edit ${recipient.displayName}` : "Add a recipient",
      },
      input("displayName", "Name", { required: true }),
      h(
        "div",
        { class: "field" },
        h("label", { for: id("role") }, "Role"),
        h(
          "select",
          { id: id("role"), name: "role" },
          Object.entries(RECIPIENT_ROLES).map(([v, t]) =>
            h("option", { value: v, selected: recipient?.role === v }, t),
          ),
        ),
      ),
      input("email", "E-mail", { type: "email" }),
      input("pagerId", "Pager id"),
      input("timeZone", "Time zone", {
        required: true,
        value:
          recipient?.timeZone ??
          organizations.find((o) => o.id === organizationId)?.timeZone ??
          "America/New_York",
      }),
      input("npi", "NPI (a PCP)", { inputmode: "numeric" }),
      recipient
        ? h(
            "label",
            { class: "radio" },
            h("input", { type: "checkbox", name: "active", checked: recipient.active }),
            "Active",
          )
        : null,
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary small" }, recipient ? "Save" : "Add recipient"),
        h("button", { type: "button", class: "small", onclick: () => onDone(false) }, "Cancel"),
      ),
      formStatus,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = (n) => form.elements.namedItem(n).value.trim() || null;
      const body = {
        displayName: value("displayName"),
        role: value("role"),
        email: value("email"),
        pagerId: value("pagerId"),
        timeZone: value("timeZone"),
        npi: value("npi"),
        active: recipient ? form.elements.namedItem("active").checked : true,
      };
      try {
        if (recipient) await api(`/api/admin/recipients/${recipient.id}`, { method: "PUT", body });
        else await api("/api/admin/recipients", { method: "POST", body: { ...body, organizationId } });
        onDone(true, recipient ? `${body.displayName}: saved.` : `${body.displayName} added.`);
      } catch (error) {
        replace(formStatus, notice(messageOf(error, "Not saved."), "error"));
      }
    });
    return form;
  }

  function preferencesEditor(recipient, prefs) {
    const rulesBox = h("div", { class: "channel-rules" });
    const ruleRows = [];
    const addRuleRow = (rule = { channels: ["email"] }) => {
      const kinds = kindBoxes(`pref-kinds-${ruleRows.length}`, rule.eventKinds ?? []);
      const tiers = checkboxes(
        `pref-tiers-${ruleRows.length}`,
        { I: "Priority I", II: "Priority II", III: "Priority III" },
        rule.riskTiers ?? [],
      );
      const channels = checkboxes(
        `pref-channels-${ruleRows.length}`,
        { email: "E-mail", pager: "Page" },
        rule.channels,
      );
      const row = {
        read: () => ({
          ...(kinds.read() ? { eventKinds: kinds.read() } : {}),
          ...(tiers.read() ? { riskTiers: tiers.read() } : {}),
          channels: channels.read() ?? [],
        }),
      };
      const node = h(
        "fieldset",
        { class: "channel-rule" },
        h("legend", {}, `Rule ${ruleRows.length + 1}`),
        rulePart("For", kinds.node, "None ticked: every event."),
        rulePart("Tiers", tiers.nodes, "None ticked: any."),
        rulePart("Send by", channels.nodes),
        h(
          "button",
          {
            type: "button",
            class: "small",
            onclick: () => {
              ruleRows.splice(ruleRows.indexOf(row), 1);
              node.remove();
            },
          },
          "Remove rule",
        ),
      );
      ruleRows.push(row);
      rulesBox.append(node);
    };
    for (const rule of prefs.channelRules) addRuleRow(rule);
    const digest = h("input", {
      type: "radio",
      name: "emailMode",
      value: "digest",
      checked: prefs.emailMode === "digest",
    });
    const realtime = h("input", {
      type: "radio",
      name: "emailMode",
      value: "realtime",
      checked: prefs.emailMode !== "digest",
    });
    const hour = h(
      "select",
      { "aria-label": "Digest hour" },
      Array.from({ length: 24 }, (_, i) =>
        h("option", { value: i, selected: i === prefs.digestHour }, `${String(i).padStart(2, "0")}:00`),
      ),
    );
    const quiet = h("input", { type: "checkbox", checked: prefs.quietHours !== null });
    const quietStart = h("input", {
      type: "time",
      value: prefs.quietHours?.start ?? "21:00",
      "aria-label": "Quiet from",
    });
    const quietEnd = h("input", {
      type: "time",
      value: prefs.quietHours?.end ?? "07:00",
      "aria-label": "Quiet until",
    });
    const pageThrough = h("input", { type: "checkbox", checked: prefs.pagePriorityOneInQuietHours });
    const formStatus = h("div", { class: "form-status" });
    const form = h(
      "form",
      { class: "preferences-form", "aria-label": `Preferences of ${recipient.displayName}` },
      h("h3", {}, `How ${recipient.displayName} gets alerts`),
      prefs.isDefault
        ? h(
            "p",
            { class: "hint" },
            "Defaults now: e-mail for every alert, and a page too for Priority I patients.",
          )
        : null,
      h(
        "p",
        { class: "hint" },
        "Channel rules: the first that matches the event and the patient's tier decides. With no rule, the defaults apply.",
      ),
      rulesBox,
      h("button", { type: "button", class: "small", onclick: () => addRuleRow() }, "Add a channel rule"),
      h(
        "fieldset",
        { class: "radios" },
        h("legend", {}, "E-mail"),
        h("label", { class: "radio" }, realtime, "As each alert happens"),
        h("label", { class: "radio" }, digest, "In one daily digest at", hour),
        h("span", { class: "hint" }, "Priority I alerts always go out at once."),
      ),
      h(
        "fieldset",
        { class: "radios" },
        h("legend", {}, "Quiet hours (pages)"),
        h(
          "label",
          { class: "radio" },
          quiet,
          "Hold pages from",
          quietStart,
          "to",
          quietEnd,
          `(${recipient.timeZone})`,
        ),
        h("label", { class: "radio" }, pageThrough, "Priority I pages come through anyway"),
      ),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary small" }, "Save preferences"),
        h(
          "button",
          {
            type: "button",
            class: "small",
            onclick: () => {
              openPreferences = null;
              renderRecipients();
            },
          },
          "Close",
        ),
      ),
      formStatus,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const channelRules = ruleRows.map((r) => r.read());
      if (channelRules.some((r) => r.channels.length === 0)) {
        replace(formStatus, notice("Each channel rule needs e-mail, page or both.", "error"));
        return;
      }
      try {
        await api(`/api/admin/recipients/${recipient.id}/preferences`, {
          method: "PUT",
          body: {
            channelRules,
            emailMode: digest.checked ? "digest" : "realtime",
            digestHour: Number(hour.value),
            quietHours: quiet.checked ? { start: quietStart.value, end: quietEnd.value } : null,
            pagePriorityOneInQuietHours: pageThrough.checked,
          },
        });
        openPreferences = null;
        replace(status, notice(`${recipient.displayName}: preferences saved.`));
        await renderRecipients();
      } catch (error) {
        replace(formStatus, notice(messageOf(error, "Not saved."), "error"));
      }
    });
    return form;
  }

  async function renderRecipients() {
    try {
      recipients = (await api(`/api/admin/recipients${query({ organizationId })}`)).items;
    } catch (error) {
      replace(panel, notice(messageOf(error, "Recipients could not be loaded."), "error"));
      return;
    }
    const addBox = h("div", {});
    const addButton = h(
      "button",
      {
        type: "button",
        class: "primary",
        onclick: () =>
          replace(
            addBox,
            h(
              "div",
              { class: "card" },
              recipientForm(null, (saved, message) => {
                replace(addBox);
                if (saved) {
                  replace(status, notice(message));
                  renderRecipients();
                }
              }),
            ),
          ),
      },
      "Add a recipient",
    );
    const prefsRow = async (r) => {
      const row = h("tr", { class: "edit-row" }, h("td", { colspan: 7 }, "Loading…"));
      const prefs = await api(`/api/admin/recipients/${r.id}/preferences`);
      replace(row.firstChild, preferencesEditor(r, prefs));
      return row;
    };
    const rows = [];
    for (const r of recipients) {
      rows.push(
        h(
          "tr",
          { class: r.active ? undefined : "is-disabled" },
          h("th", { scope: "row" }, r.displayName),
          h("td", {}, RECIPIENT_ROLES[r.role] ?? r.role),
          h("td", {}, r.email ?? h("span", { class: "muted" }, "—")),
          h("td", {}, r.pagerId ?? h("span", { class: "muted" }, "—")),
          h("td", {}, r.npi ?? h("span", { class: "muted" }, "—")),
          h("td", {}, r.active ? "Active" : h("span", { class: "badge" }, "Inactive")),
          h(
            "td",
            { class: "actions-col" },
            h(
              "button",
              {
                type: "button",
                class: "small",
                onclick: () => {
                  editingRecipient = r.id;
                  openPreferences = null;
                  renderRecipients();
                },
              },
              "Edit",
            ),
            " ",
            h(
              "button",
              {
                type: "button",
                class: "small",
                "aria-label": `Preferences of ${r.displayName}`,
                onclick: () => {
                  openPreferences = r.id;
                  editingRecipient = null;
                  renderRecipients();
                },
              },
              "Preferences",
            ),
          ),
        ),
      );
      if (editingRecipient === r.id)
        rows.push(
          h(
            "tr",
            { class: "edit-row" },
            h(
              "td",
              { colspan: 7 },
              recipientForm(r, (saved, message) => {
                editingRecipient = null;
                if (saved) replace(status, notice(message));
                renderRecipients();
              }),
            ),
          ),
        );
      if (openPreferences === r.id) rows.push(await prefsRow(r));
    }
    replace(
      panel,
      h("div", { class: "panel-actions" }, addButton),
      addBox,
      h(
        "div",
        { class: "table-box card" },
        recipients.length === 0
          ? h("p", { class: "empty" }, "No recipients yet.")
          : h(
              "table",
              { class: "data-table", "aria-label": "Recipients" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["Name", "Role", "E-mail", "Pager", "NPI", "Status", ""].map((t) =>
                    h("th", { scope: "col" }, t),
                  ),
                ),
              ),
              h("tbody", {}, rows),
            ),
      ),
    );
  }

  // Rules --------------------------------------------------------------------------------------

  function whoText(rule) {
    if (rule.recipientId) return rule.recipientName ?? `Recipient ${rule.recipientId}`;
    const role = RECIPIENT_ROLES[rule.recipientRole]?.toLowerCase() ?? rule.recipientRole;
    return rule.audience === "everyone_in_role" ? `Every ${role}` : `The patient's own ${role}`;
  }

  function ruleForm(rule, onDone) {
    const people = recipients.filter((r) => r.active);
    const whoSelect = h(
      "select",
      { id: "rule-who", name: "who" },
      h(
        "optgroup",
        { label: "The patient's care team" },
        h("option", { value: "team:care_manager" }, "The patient's own care manager"),
        h("option", { value: "team:pcp" }, "The patient's own PCP of record"),
      ),
      h(
        "optgroup",
        { label: "Everyone in a role" },
        Object.entries(RECIPIENT_ROLES).map(([v, t]) =>
          h("option", { value: `all:${v}` }, `Every ${t.toLowerCase()}`),
        ),
      ),
      h(
        "optgroup",
        { label: "A person" },
        people.map((p) => h("option", { value: `one:${p.id}` }, p.displayName)),
      ),
    );
    if (rule)
      whoSelect.value = rule.recipientId
        ? `one:${rule.recipientId}`
        : `${rule.audience === "everyone_in_role" ? "all" : "team"}:${rule.recipientRole}`;
    const kinds = kindBoxes("rule-kinds", rule?.eventKinds ?? []);
    const tiers = checkboxes(
      "rule-tiers",
      { I: "Priority I", II: "Priority II", III: "Priority III" },
      rule?.riskTiers ?? [],
    );
    const programs = h("input", {
      id: "rule-programs",
      value: list(rule?.programs) ?? "",
      placeholder: "any",
    });
    const facilities = h("input", {
      id: "rule-facilities",
      value: list(rule?.facilities) ?? "",
      placeholder: "any",
    });
    const formStatus = h("div", { class: "form-status" });
    const form = h(
      "form",
      { class: "card rule-form", "aria-label": rule ? "Change the rule" : "Add a rule" },
      h("h3", {}, rule ? "Change the rule (it ends now and the new one starts)" : "Add a rule"),
      h("div", { class: "field" }, h("label", { for: "rule-who" }, "Who is told"), whoSelect),
      rulePart("Events", kinds.node, "None ticked: every event."),
      rulePart("Tiers", tiers.nodes, "None ticked: any tier, and patients on no list."),
      h(
        "div",
        { class: "org-fields" },
        h(
          "div",
          { class: "field" },
          h("label", { for: "rule-programs" }, "Programs (comma-separated)"),
          programs,
        ),
        h(
          "div",
          { class: "field" },
          h("label", { for: "rule-facilities" }, "Sending facilities (comma-separated)"),
          facilities,
        ),
      ),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary small" }, rule ? "Save the change" : "Add rule"),
        h("button", { type: "button", class: "small", onclick: () => onDone(false) }, "Cancel"),
      ),
      formStatus,
    );
    const csv = (input) => {
      const values = input.value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      return values.length === 0 ? null : values;
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const [kind, value] = whoSelect.value.split(":");
      const body = {
        recipientId: kind === "one" ? value : null,
        recipientRole: kind === "one" ? null : value,
        audience: kind === "all" ? "everyone_in_role" : "care_team",
        eventKinds: kinds.read(),
        riskTiers: tiers.read(),
        programs: csv(programs),
        facilities: csv(facilities),
      };
      try {
        if (rule) await api(`/api/admin/notification-rules/${rule.id}`, { method: "PUT", body });
        else
          await api("/api/admin/notification-rules", { method: "POST", body: { ...body, organizationId } });
        onDone(true, rule ? "Rule changed: the old one ended now." : "Rule added, in force from now.");
      } catch (error) {
        replace(formStatus, notice(messageOf(error, "Not saved."), "error"));
      }
    });
    return form;
  }

  async function renderRules() {
    let rules;
    try {
      [rules, recipients] = await Promise.all([
        api(`/api/admin/notification-rules${query({ organizationId })}`).then((b) => b.items),
        api(`/api/admin/recipients${query({ organizationId })}`).then((b) => b.items),
      ]);
    } catch (error) {
      replace(panel, notice(messageOf(error, "Rules could not be loaded."), "error"));
      return;
    }
    const formBox = h("div", {});
    const done = (saved, message) => {
      replace(formBox);
      if (saved) {
        replace(status, notice(message));
        renderRules();
      }
    };
    const end = async (rule) => {
      try {
        await api(`/api/admin/notification-rules/${rule.id}`, { method: "DELETE" });
        replace(status, notice(`Rule ended: ${whoText(rule)} is no longer told of new events by it.`));
        renderRules();
      } catch (error) {
        replace(status, notice(messageOf(error, "The rule was not ended."), "error"));
      }
    };
    replace(
      panel,
      h(
        "p",
        { class: "muted" },
        "The patient's care manager (named on the care-management list) is always told. Rules add others: the patient's own PCP of record, a named person, or everyone in a role.",
      ),
      h(
        "div",
        { class: "panel-actions" },
        h(
          "button",
          { type: "button", class: "primary", onclick: () => replace(formBox, ruleForm(null, done)) },
          "Add a rule",
        ),
      ),
      formBox,
      h(
        "div",
        { class: "table-box card" },
        rules.length === 0
          ? h("p", { class: "empty" }, "No rules: only the care managers the lists name are told.")
          : h(
              "table",
              { class: "data-table", "aria-label": "Notification rules" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ["Who is told", "Events", "Tiers", "Programs", "Facilities", "In force since", ""].map(
                    (t) => h("th", { scope: "col" }, t),
                  ),
                ),
              ),
              h(
                "tbody",
                {},
                rules.map((rule) =>
                  h(
                    "tr",
                    {},
                    h(
                      "th",
                      { scope: "row" },
                      whoText(rule),
                      rule.source
                        ? h("div", { class: "muted small-text" }, `imported (${rule.source})`)
                        : null,
                    ),
                    h("td", {}, kindsText(rule.eventKinds)),
                    h("td", {}, list(rule.riskTiers?.map((t) => `Priority ${t}`)) ?? "Any"),
                    h("td", {}, list(rule.programs) ?? "Any"),
                    h("td", {}, list(rule.facilities) ?? "Any"),
                    h("td", { class: "nowrap" }, when(rule.activeFrom)),
                    h(
                      "td",
                      { class: "actions-col" },
                      rule.source
                        ? null
                        : h(
                            "button",
                            {
                              type: "button",
                              class: "small",
                              onclick: () => replace(formBox, ruleForm(rule, done)),
                            },
                            "Change",
                          ),
                      " ",
                      h(
                        "button",
                        {
                          type: "button",
                          class: "small",
                          "aria-label": `End the rule for ${whoText(rule)}`,
                          onclick: () => end(rule),
                        },
                        "End",
                      ),
                    ),
                  ),
                ),
              ),
            ),
      ),
    );
  }

  // Preview ------------------------------------------------------------------------------------

  function renderPreview() {
    const identifier = h("input", {
      id: "preview-identifier",
      required: true,
      placeholder: "MRN, member id or patient id",
    });
    const authority = h("input", { id: "preview-authority", placeholder: "optional, e.g. MERCYGEN" });
    const kind = h(
      "select",
      { id: "preview-kind" },
      Object.entries(EVENT_KINDS).map(([v, t]) => h("option", { value: v }, t)),
    );
    const facility = h("input", { id: "preview-facility", placeholder: "MSH-4, e.g. MERCYGEN" });
    const result = h("div", { class: "preview-result", "aria-live": "polite" });
    const form = h(
      "form",
      { class: "card preview-form", "aria-label": "Who would be alerted" },
      h(
        "div",
        { class: "field" },
        h("label", { for: "preview-identifier" }, "Patient"),
        identifier,
        h("span", { class: "hint" }, "A number with only digits is also tried as the patient id."),
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: "preview-authority" }, "Identifier authority"),
        authority,
      ),
      h("div", { class: "field" }, h("label", { for: "preview-kind" }, "Event"), kind),
      h(
        "div",
        { class: "field" },
        h("label", { for: "preview-facility" }, "Hospital (sending facility)"),
        facility,
      ),
      h(
        "div",
        { class: "field form-actions" },
        h("button", { type: "submit", class: "primary" }, "Show who would be alerted"),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = identifier.value.trim();
      const base = {
        eventKind: kind.value,
        ...(facility.value.trim() ? { facility: facility.value.trim() } : {}),
      };
      const ask = (patient) =>
        api("/api/admin/routing-preview", { method: "POST", body: { ...base, ...patient } });
      try {
        let answer;
        try {
          answer = await ask({
            identifier: value,
            ...(authority.value.trim() ? { assigningAuthority: authority.value.trim() } : {}),
          });
        } catch (error) {
          if (!(/^\d+$/.test(value) && error?.status === 404)) throw error;
          answer = await ask({ patientId: value });
        }
        replace(result, previewResult(answer));
      } catch (error) {
        replace(result, notice(messageOf(error, "The preview failed."), "error"));
      }
    });
    replace(
      panel,
      h(
        "p",
        { class: "muted" },
        "Runs the matcher's routing and the notifier's delivery plan on today's lists, rules and preferences. Nothing is sent; the look-up is in the access log.",
      ),
      form,
      result,
    );
  }

  function previewResult(answer) {
    const heading = `${label(EVENT_KINDS, answer.event.kind)} for ${answer.patient.displayName} at ${answer.event.facility}`;
    const orgCards = answer.organizations.map((o) =>
      h(
        "section",
        { class: "card preview-org", "aria-label": o.name },
        h(
          "div",
          { class: "card-header" },
          h("h3", {}, o.name),
          h(
            "span",
            { class: `badge ${o.copy === "lead" ? "badge-open" : ""}` },
            o.copy === "lead" ? "Leads: alert and task" : "Monitor copy",
          ),
        ),
        h(
          "p",
          { class: "muted card-note" },
          [
            o.enrollment
              ? `${o.enrollment.program}${o.enrollment.riskTier ? ` · Priority ${o.enrollment.riskTier}` : ""} · ${o.enrollment.status.replace("_", " ")}`
              : null,
            o.attribution ? `attributed (${o.attribution.source})` : null,
          ]
            .filter(Boolean)
            .join(" · "),
        ),
        o.recipients.length === 0
          ? notice(
              "Nobody here would be told: no care manager is named on the list and no rule applies.",
              "error",
            )
          : h(
              "ul",
              { class: "plain-list preview-people" },
              o.recipients.map((r) =>
                h(
                  "li",
                  {},
                  h("strong", {}, r.displayName),
                  h(
                    "span",
                    { class: "muted" },
                    ` · ${r.role.replace("-", " ")} · ${BASIS[r.basis] ?? r.basis ?? ""}`,
                  ),
                  h(
                    "div",
                    {},
                    r.sends.length === 0
                      ? h(
                          "span",
                          { class: "overdue-text" },
                          "No channel reaches them (no e-mail or pager for what their preferences ask)",
                        )
                      : r.sends.map(sendText).join(" · "),
                  ),
                ),
              ),
            ),
      ),
    );
    return h(
      "div",
      { class: "preview-answer" },
      h("h3", {}, heading),
      answer.event.sensitiveFacility
        ? notice("This facility is listed as sensitive (42 CFR Part 2): its events are suppressed.")
        : null,
      orgCards.length === 0 && answer.suppressed.length === 0
        ? h(
            "p",
            { class: "empty" },
            "None of your organizations would be told: the patient is on none of their lists on that day.",
          )
        : orgCards,
      answer.suppressed.length
        ? h(
            "section",
            { class: "card", "aria-label": "Not told" },
            h("h3", {}, "Not told"),
            h(
              "ul",
              { class: "plain-list" },
              answer.suppressed.map((s) => h("li", {}, `${s.name}: ${s.reason}`)),
            ),
          )
        : null,
    );
  }

  return {
    element: frame.element,
    heading: frame.heading,
    show() {
      openPreferences = null;
      editingRecipient = null;
      replace(status);
      load();
      return "Recipients and rules";
    },
  };
}
