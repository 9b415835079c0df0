// Organizations: the settings deadlines and alerts follow. Time zone (business days and "next
// business day" are counted there), how much about the patient an alert may say, the public-holiday
// calendar and the days the practice is closed. A system admin also adds organizations and renames.
import { adminFrame } from "./admin-common.js";
import { api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { messageOf } from "./task-drawer.js";

const KINDS = { practice: "Practice", health_plan: "Health plan", aco: "ACO" };
const DETAIL_LEVELS = [
  [
    "minimal",
    "Minimal",
    "No patient details in e-mails or pages: the recipient follows the link and signs in.",
  ],
  ["limited", "Limited", "The patient's initials only (e.g. “MQ”), with the event and facility."],
  ["full", "Full", "The patient's name and birth date. Only where every recipient's channel is secure."],
];
const FIELD_NAMES = {
  name: "name",
  timeZone: "time zone",
  alertDetailLevel: "alert detail level",
  holidayCountry: "holiday country",
  holidayState: "holiday state",
};

const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  month: "short",
  day: "numeric",
  year: "numeric",
});
/** "2026-03-20" → "Fri, Mar 20, 2026" (a calendar day, not shifted by any zone). */
function dayText(day) {
  const [y, m, d] = day.split("-").map(Number);
  return dayFormat.format(new Date(y, m - 1, d));
}

function timeZones() {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [
      "America/New_York",
      "America/Chicago",
      "America/Denver",
      "America/Phoenix",
      "America/Los_Angeles",
    ];
  }
}

export function createOrganizations({ session, path, built }) {
  const isSystem = session.role === "system_admin";
  const addButton = isSystem
    ? h("button", { type: "button", onclick: () => showAddForm() }, "Add organization")
    : null;
  const frame = adminFrame({
    id: "admin-organizations",
    title: "Organizations",
    subtitle:
      "What deadlines and alerts follow: the time zone business days are counted in, the holidays and closed days they skip, and how much an alert may say about the patient.",
    session,
    path,
    built,
    toolbar: [addButton],
  });
  const list = h("nav", { class: "org-list", "aria-label": "Organizations" });
  const detail = h("div", { class: "org-detail" });
  const status = h("div", { class: "form-status" });
  replace(frame.body, status, h("div", { class: "org-layout" }, list, detail));

  let organizations = [];
  let selectedId = null;
  let regions = null;
  let holidayYear = null;

  async function loadRegions(country) {
    regions = await api(`/api/admin/holiday-regions${query({ country })}`);
    return regions;
  }

  async function load() {
    try {
      const body = await api("/api/admin/organizations");
      organizations = body.items;
      const wanted = new URLSearchParams(location.search).get("id");
      selectedId = organizations.some((o) => o.id === wanted) ? wanted : (organizations[0]?.id ?? null);
      renderList();
      if (selectedId) await open(selectedId);
      else replace(detail, h("p", { class: "empty" }, "No organization yet."));
    } catch (error) {
      replace(status, notice(messageOf(error, "Organizations could not be loaded."), "error"));
    }
  }

  function renderList() {
    replace(
      list,
      organizations.length <= 1 && !isSystem
        ? null
        : h(
            "ul",
            {},
            organizations.map((o) =>
              h(
                "li",
                {},
                h(
                  "a",
                  {
                    href: `${path}${query({ id: o.id })}`,
                    "aria-current": o.id === selectedId ? "page" : undefined,
                    onclick: (event) => {
                      event.preventDefault();
                      history.replaceState(null, "", `${path}${query({ id: o.id })}`);
                      selectedId = o.id;
                      renderList();
                      open(o.id);
                    },
                  },
                  h("span", { class: "org-name" }, o.name),
                  h("span", { class: "muted org-meta" }, `${KINDS[o.kind] ?? o.kind} · ${o.code}`),
                ),
              ),
            ),
          ),
    );
    list.hidden = list.childElementCount === 0;
  }

  async function open(id, message) {
    try {
      const org = await api(`/api/admin/organizations/${encodeURIComponent(id)}`);
      if (!regions || regions.country !== org.settings.holidayCountry) {
        await loadRegions(org.settings.holidayCountry);
        regions.country = org.settings.holidayCountry;
      }
      holidayYear = null;
      render(org, message);
    } catch (error) {
      replace(detail, notice(messageOf(error, "This organization could not be loaded."), "error"));
    }
  }

  function render(org, message) {
    replace(
      detail,
      h(
        "div",
        { class: "org-head" },
        h("h2", {}, org.name),
        h(
          "p",
          { class: "muted" },
          [
            KINDS[org.kind] ?? org.kind,
            `code ${org.code}`,
            org.npi ? `NPI ${org.npi}` : null,
            org.tin ? `TIN ${org.tin}` : null,
          ]
            .filter(Boolean)
            .join(" · "),
        ),
      ),
      message ? notice(message) : null,
      settingsCard(org),
      h("div", { class: "grid-2 org-calendar" }, closuresCard(org), holidaysCard(org)),
    );
  }

  function settingsCard(org) {
    const id = (name) => `org-${name}`;
    const name = h("input", {
      id: id("name"),
      name: "name",
      value: org.name,
      required: true,
      disabled: !isSystem,
    });
    const zone = h(
      "select",
      { id: id("timeZone"), name: "timeZone" },
      [...new Set([org.timeZone, ...timeZones()])].map((z) =>
        h("option", { value: z, selected: z === org.timeZone }, z.replace(/_/g, " ")),
      ),
    );
    const country = h(
      "select",
      { id: id("holidayCountry"), name: "holidayCountry" },
      (regions?.countries ?? [{ code: org.settings.holidayCountry, name: org.settings.holidayCountry }]).map(
        (c) => h("option", { value: c.code, selected: c.code === org.settings.holidayCountry }, c.name),
      ),
    );
    const stateOptions = (states, selected) => [
      h("option", { value: "", selected: !selected }, "None: the country's holidays only"),
      states.map((s) => h("option", { value: s.code, selected: s.code === selected }, s.name)),
    ];
    const state = h(
      "select",
      { id: id("holidayState"), name: "holidayState" },
      stateOptions(regions?.states ?? [], org.settings.holidayState),
    );
    country.addEventListener("change", async () => {
      const loaded = await api(`/api/admin/holiday-regions${query({ country: country.value })}`);
      replace(state, stateOptions(loaded.states, null));
    });
    const levels = h(
      "fieldset",
      { class: "radios detail-levels" },
      h("legend", {}, "Alert detail level"),
      DETAIL_LEVELS.map(([value, text, hint]) =>
        h(
          "label",
          { class: "radio" },
          h("input", {
            type: "radio",
            name: "alertDetailLevel",
            value,
            checked: org.settings.alertDetailLevel === value,
          }),
          h("span", {}, h("strong", {}, text), h("span", { class: "hint" }, hint)),
        ),
      ),
    );
    const formStatus = h("div", { class: "form-status" });
    const form = h(
      "form",
      { class: "card org-settings", "aria-labelledby": "org-settings-heading" },
      h("h3", { id: "org-settings-heading" }, "Settings"),
      h(
        "div",
        { class: "org-fields" },
        h(
          "div",
          { class: "field" },
          h("label", { for: id("name") }, "Name"),
          name,
          isSystem ? null : h("span", { class: "hint" }, "A system admin renames an organization."),
        ),
        h(
          "div",
          { class: "field" },
          h("label", { for: id("timeZone") }, "Time zone"),
          zone,
          h(
            "span",
            { class: "hint" },
            "Business days, “next business day” and end-of-day deadlines are counted here.",
          ),
        ),
        h("div", { class: "field" }, h("label", { for: id("holidayCountry") }, "Holiday calendar"), country),
        h("div", { class: "field" }, h("label", { for: id("holidayState") }, "State or region"), state),
      ),
      levels,
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, "Save settings")),
      formStatus,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const level = form.querySelector('input[name="alertDetailLevel"]:checked')?.value;
      try {
        const saved = await api(`/api/admin/organizations/${encodeURIComponent(org.id)}`, {
          method: "PUT",
          body: {
            name: name.value.trim(),
            timeZone: zone.value,
            alertDetailLevel: level,
            holidayCountry: country.value,
            holidayState: state.value || null,
          },
        });
        const changed = Object.keys(FIELD_NAMES).filter((k) =>
          k in saved.settings ? saved.settings[k] !== org.settings[k] : saved[k] !== org[k],
        );
        organizations = organizations.map((o) => (o.id === saved.id ? { ...o, ...saved } : o));
        renderList();
        regions = null;
        await open(
          saved.id,
          changed.length === 0
            ? "Saved: nothing changed."
            : `Saved: ${changed.map((k) => FIELD_NAMES[k]).join(", ")} changed. Deadlines of new tasks follow it.`,
        );
      } catch (error) {
        replace(formStatus, notice(messageOf(error, "The settings were not saved."), "error"));
      }
    });
    return form;
  }

  function closuresCard(org) {
    const dayInput = h("input", { id: "closure-day", name: "day", type: "date", required: true });
    const reasonInput = h("input", {
      id: "closure-reason",
      name: "reason",
      maxlength: 200,
      placeholder: "Staff training",
    });
    const formStatus = h("div", { class: "form-status" });
    const form = h(
      "form",
      { class: "closure-form", "aria-label": "Add a closed day" },
      h("div", { class: "field" }, h("label", { for: "closure-day" }, "Day"), dayInput),
      h("div", { class: "field" }, h("label", { for: "closure-reason" }, "Reason (optional)"), reasonInput),
      h("div", { class: "field form-actions" }, h("button", { type: "submit" }, "Close this day")),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api(`/api/admin/organizations/${encodeURIComponent(org.id)}/closures`, {
          method: "POST",
          body: { day: dayInput.value, reason: reasonInput.value.trim() || null },
        });
        await open(org.id, `Closed on ${dayText(dayInput.value)}: deadlines skip it.`);
      } catch (error) {
        replace(formStatus, notice(messageOf(error, "The day was not added."), "error"));
      }
    });
    const remove = async (day) => {
      try {
        await api(`/api/admin/organizations/${encodeURIComponent(org.id)}/closures/${day}`, {
          method: "DELETE",
        });
        await open(org.id, `Open again on ${dayText(day)}.`);
      } catch (error) {
        replace(formStatus, notice(messageOf(error, "The day was not removed."), "error"));
      }
    };
    return h(
      "section",
      { class: "card", "aria-labelledby": "org-closures-heading" },
      h("h3", { id: "org-closures-heading" }, "Closed days"),
      h(
        "p",
        { class: "muted card-note" },
        "Days the practice is closed beyond public holidays (weather, training). Not business days for its deadlines.",
      ),
      org.closures.length === 0
        ? h("p", { class: "empty" }, "No closed days.")
        : h(
            "table",
            { class: "data-table compact", "aria-label": "Closed days" },
            h(
              "tbody",
              {},
              org.closures.map((c) =>
                h(
                  "tr",
                  {},
                  h("td", { class: "nowrap" }, dayText(c.day)),
                  h("td", {}, c.reason ?? h("span", { class: "muted" }, "—")),
                  h(
                    "td",
                    { class: "actions-col" },
                    h(
                      "button",
                      {
                        type: "button",
                        class: "small",
                        "aria-label": `Remove ${dayText(c.day)}`,
                        onclick: () => remove(c.day),
                      },
                      "Remove",
                    ),
                  ),
                ),
              ),
            ),
          ),
      form,
      formStatus,
    );
  }

  function holidaysCard(org) {
    const body = h("div", {});
    const title = h("h3", { id: "org-holidays-heading" }, "Public holidays");
    const load = async (year) => {
      try {
        const result = await api(
          `/api/admin/organizations/${encodeURIComponent(org.id)}/holidays${query({ year: year ?? undefined })}`,
        );
        holidayYear = result.year;
        title.textContent = `Public holidays in ${result.year}`;
        replace(
          body,
          h(
            "p",
            { class: "muted card-note" },
            `${result.country}${result.state ? `, ${result.state}` : ""}: not business days. Change the calendar in the settings.`,
          ),
          h(
            "table",
            { class: "data-table compact", "aria-label": `Public holidays in ${result.year}` },
            h(
              "tbody",
              {},
              result.holidays.map((d) =>
                h("tr", {}, h("td", { class: "nowrap" }, dayText(d.date)), h("td", {}, d.name)),
              ),
            ),
          ),
        );
      } catch (error) {
        replace(body, notice(messageOf(error, "The holidays could not be loaded."), "error"));
      }
    };
    load(holidayYear);
    return h(
      "section",
      { class: "card", "aria-labelledby": "org-holidays-heading" },
      h(
        "div",
        { class: "card-header" },
        title,
        h(
          "div",
          { class: "toolbar" },
          h(
            "button",
            {
              type: "button",
              class: "small",
              "aria-label": "Previous year",
              onclick: () => load(holidayYear - 1),
            },
            "‹",
          ),
          h(
            "button",
            {
              type: "button",
              class: "small",
              "aria-label": "Next year",
              onclick: () => load(holidayYear + 1),
            },
            "›",
          ),
        ),
      ),
      body,
    );
  }

  function showAddForm() {
    const formStatus = h("div", { class: "form-status" });
    const input = (name, text, props = {}) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: `new-org-${name}` }, text),
        h("input", { id: `new-org-${name}`, name, ...props }),
      );
    const form = h(
      "form",
      { class: "card org-add", "aria-label": "Add an organization" },
      h("h3", {}, "Add an organization"),
      h(
        "div",
        { class: "org-fields" },
        h(
          "div",
          { class: "field" },
          h("label", { for: "new-org-kind" }, "Kind"),
          h(
            "select",
            { id: "new-org-kind", name: "kind" },
            Object.entries(KINDS).map(([v, t]) => h("option", { value: v }, t)),
          ),
        ),
        input("code", "Code", {
          required: true,
          pattern: "[A-Za-z0-9][A-Za-z0-9._\\-]*",
          placeholder: "as rosters name it",
        }),
        input("name", "Name", { required: true }),
        h(
          "div",
          { class: "field" },
          h("label", { for: "new-org-timeZone" }, "Time zone"),
          h(
            "select",
            { id: "new-org-timeZone", name: "timeZone" },
            timeZones().map((z) =>
              h("option", { value: z, selected: z === "America/New_York" }, z.replace(/_/g, " ")),
            ),
          ),
        ),
        input("npi", "Group NPI (optional)", { inputmode: "numeric" }),
        input("tin", "TIN (optional)", { inputmode: "numeric" }),
      ),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary" }, "Add organization"),
        h("button", { type: "button", onclick: () => form.remove() }, "Cancel"),
      ),
      formStatus,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = (n) => form.elements.namedItem(n).value.trim();
      try {
        const created = await api("/api/admin/organizations", {
          method: "POST",
          body: {
            kind: value("kind"),
            code: value("code"),
            name: value("name"),
            timeZone: value("timeZone"),
            npi: value("npi") || null,
            tin: value("tin") || null,
          },
        });
        form.remove();
        history.replaceState(null, "", `${path}${query({ id: created.id })}`);
        await load();
        await open(created.id, `${created.name} added. Add its users and recipients next.`);
      } catch (error) {
        replace(formStatus, notice(messageOf(error, "The organization was not added."), "error"));
      }
    });
    frame.body.querySelector(".org-add")?.remove();
    frame.body.prepend(form);
    form.querySelector("input")?.focus();
  }

  return {
    element: frame.element,
    heading: frame.heading,
    show() {
      load();
      return "Organizations";
    },
  };
}
