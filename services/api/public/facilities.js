// Facilities: how the ADT listener reads each hospital feed (MSH-4, time zone, which PV1 codes
// mean the ED or observation, where the MRN and member id are) and its silent-feed alarm.
// Onboarding a feed is a form (facility-form.js): the running listener accepts the facility within
// seconds, no restart. The system admin changes them; the interface analyst reads them. The JSON
// mappings file stays as the import/export format.
import { api, download, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { actorText, facilityForm, facilityHistory, problemsOf } from "./facility-form.js";
import { at, feedFrame, watchText } from "./feeds-common.js";
import { messageOf } from "./task-drawer.js";

const listText = (values) => (values ?? []).join(", ");

export function createFacilities({ session, navigate }) {
  const canEdit = session.role === "system_admin";
  const exportButton = h(
    "button",
    {
      type: "button",
      onclick: () => download("/api/admin/facilities/export", "facilities.json").catch(showError),
    },
    "Export JSON",
  );
  const importInput = h("input", {
    type: "file",
    accept: "application/json,.json",
    hidden: true,
    id: "facilities-import",
    "aria-label": "Facility mappings file to import",
  });
  const importButton = canEdit
    ? h("button", { type: "button", onclick: () => importInput.click() }, "Import JSON")
    : null;
  const addButton = canEdit
    ? h(
        "button",
        { type: "button", class: "primary", onclick: () => navigate("/admin/feeds/facilities/new") },
        "Onboard a facility",
      )
    : null;
  const frame = feedFrame({
    id: "facilities",
    title: "Facilities",
    subtitle:
      "How the listener reads each hospital's feed. A change reaches the running listener within seconds; " +
      "every change is kept in the facility's history.",
    current: "/admin/feeds/facilities",
    toolbar: [exportButton, importButton, canEdit ? importInput : null, addButton],
  });
  const status = h("div", { class: "form-status" });
  const content = h("div", { class: "feed-body" });
  replace(frame.body, status, content);

  /** A notice that must survive the navigation that follows it (saved, removed). */
  let keepNotice = false;
  const announce = (text) => {
    keepNotice = true;
    replace(status, notice(text));
  };

  function showError(err) {
    replace(status, notice(messageOf(err, "That did not work."), "error"));
  }

  importInput.addEventListener("change", async () => {
    const file = importInput.files?.[0];
    importInput.value = "";
    if (!file) return;
    try {
      const body = JSON.parse(await file.text());
      const result = await api("/api/admin/facilities/import", { method: "POST", body });
      replace(
        status,
        notice(
          `Imported ${file.name}: ${result.created} created, ${result.updated} changed, ${result.unchanged} unchanged.`,
        ),
      );
      showList();
    } catch (err) {
      const problems = problemsOf(err);
      replace(
        status,
        notice(
          err instanceof SyntaxError
            ? `${file.name} is not JSON.`
            : messageOf(err, "The file could not be imported."),
          "error",
        ),
        problems.length > 0
          ? h(
              "ul",
              { class: "form-problems" },
              problems.map((p) => h("li", {}, p.path ? `${p.path}: ${p.message}` : p.message)),
            )
          : null,
      );
    }
  });

  async function showList() {
    for (const b of [exportButton, importButton, addButton]) if (b) b.hidden = false;
    frame.heading.textContent = "Facilities";
    try {
      const { items } = await api("/api/admin/facilities");
      replace(
        content,
        items.length === 0
          ? h(
              "p",
              { class: "empty card" },
              "No facility yet. Onboard one, or import a facility mappings file.",
            )
          : h(
              "div",
              { class: "card table-box" },
              h(
                "table",
                { class: "data-table" },
                h(
                  "thead",
                  {},
                  h(
                    "tr",
                    {},
                    [
                      "Facility",
                      "Sending application",
                      "Time zone",
                      "Status",
                      "Silent-feed alarm",
                      "Last changed",
                    ].map((c) => h("th", { scope: "col" }, c)),
                  ),
                ),
                h(
                  "tbody",
                  {},
                  items.map((f) =>
                    h(
                      "tr",
                      {},
                      h(
                        "th",
                        { scope: "row", class: "facility-name" },
                        h(
                          "a",
                          { href: `/admin/feeds/facilities/${f.id}`, "data-route": "" },
                          f.mapping.displayName ?? f.mapping.sendingFacility,
                        ),
                        h("span", { class: "muted code" }, f.mapping.sendingFacility),
                        f.mapping.sensitiveFacility
                          ? h("div", {}, h("span", { class: "badge badge-warn" }, "Sensitive"))
                          : null,
                      ),
                      h(
                        "td",
                        {},
                        f.mapping.sendingApplication ??
                          (f.mapping.allowedApplications
                            ? `${listText(f.mapping.allowedApplications)} only`
                            : h("span", { class: "muted" }, "any")),
                      ),
                      h("td", {}, f.mapping.timeZone),
                      h(
                        "td",
                        {},
                        f.active
                          ? h("span", { class: "badge badge-watching" }, "Active")
                          : h("span", { class: "badge badge-off" }, "Off"),
                      ),
                      h(
                        "td",
                        {},
                        watchText(f.watch),
                        f.watch.interfaceContactEmail
                          ? h("div", { class: "muted" }, f.watch.interfaceContactEmail)
                          : null,
                      ),
                      h(
                        "td",
                        {},
                        at(f.updatedAt),
                        h("div", { class: "muted" }, actorText(f.updatedByName, f.updatedBy)),
                      ),
                    ),
                  ),
                ),
              ),
            ),
      );
    } catch (err) {
      replace(content);
      showError(err);
    }
  }

  /** A labelled input with its hint and a place for its error; `key` is the API's path. */
  async function remove(facility) {
    const name = facility.mapping.displayName ?? facility.mapping.sendingFacility;
    if (
      !window.confirm(
        `Remove ${name}? Its messages will be refused (AR) from the listener's next reload. Its history is kept.`,
      )
    )
      return;
    try {
      await api(`/api/admin/facilities/${facility.id}${query({ version: facility.version })}`, {
        method: "DELETE",
      });
      announce(`${name} removed.`);
      navigate("/admin/feeds/facilities");
    } catch (err) {
      showError(err);
    }
  }

  async function showFacility(id) {
    for (const b of [exportButton, importButton, addButton]) if (b) b.hidden = true;
    const isNew = id === "new";
    if (isNew && !canEdit) {
      navigate("/admin/feeds/facilities");
      return "Facilities";
    }
    replace(content, notice("Loading…"));
    try {
      const facility = isNew ? undefined : await api(`/api/admin/facilities/${encodeURIComponent(id)}`);
      const history = isNew
        ? { items: [] }
        : await api(`/api/admin/facilities/${encodeURIComponent(id)}/history`);
      const prefill = new URLSearchParams(location.search).get("facility") ?? undefined;
      const name = facility
        ? (facility.mapping.displayName ?? facility.mapping.sendingFacility)
        : "Onboard a facility";
      frame.heading.textContent = name;
      replace(
        content,
        h(
          "p",
          { class: "muted" },
          h("a", { href: "/admin/feeds/facilities", "data-route": "" }, "← All facilities"),
          " · ",
          facility
            ? `Version ${facility.version}, last changed ${at(facility.updatedAt)} by ${actorText(facility.updatedByName, facility.updatedBy)}.`
            : "Enter the feed's MSH-4 and time zone; the rest has the usual defaults. The listener accepts its messages within seconds of saving.",
        ),
        facilityForm({
          facility,
          prefill,
          canEdit,
          onSaved: (saved, created) => {
            announce(
              `${saved.mapping.displayName ?? saved.mapping.sendingFacility} ${created ? "created" : "saved"}. ` +
                (saved.active
                  ? "The listener accepts its messages within seconds."
                  : "Its messages are refused while it is off."),
            );
            navigate(`/admin/feeds/facilities/${saved.id}`);
          },
          onRemove: remove,
        }),
        isNew ? null : facilityHistory(history.items),
      );
      return name;
    } catch (err) {
      replace(content);
      showError(err);
      return "Facility";
    }
  }

  return {
    element: frame.element,
    heading: frame.heading,
    show([id]) {
      if (!keepNotice) replace(status);
      keepNotice = false;
      if (id) {
        showFacility(decodeURIComponent(id)).then((title) => {
          document.title = `${title} · Homeward`;
        });
        return "Facility";
      }
      showList();
      return "Facilities";
    },
  };
}
