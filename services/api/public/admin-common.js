// What every admin screen shares: the admin sub-navigation (which screens a role may open), the
// page frame (heading, subtitle, toolbar), the admin stylesheet, and small formatting helpers.
import { api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { formatInZone } from "./format.js";
import { messageOf } from "./task-drawer.js";

export const ADMINS = ["practice_admin", "system_admin"];
export const SYSTEM_ADMINS = ["system_admin"];

/**
 * The admin screens, in the order of the admin sub-navigation. `summary` is what the admin home
 * says of each. A screen is listed only when it is built (admin-screens.js registers it).
 */
export const ADMIN_PAGES = [
  {
    id: "admin-organizations",
    path: "/admin/organizations",
    label: "Organizations",
    roles: ADMINS,
    summary:
      "Time zone, alert detail level, the holiday calendar and closed days that deadlines follow. System admins add organizations.",
  },
  {
    id: "admin-users",
    path: "/admin/users",
    label: "Users",
    roles: ADMINS,
    summary:
      "Invite people by a one-time link or a temporary password, set their role, organizations and recipient, disable them.",
  },
  {
    id: "admin-recipients",
    path: "/admin/recipients",
    label: "Recipients and rules",
    roles: ADMINS,
    summary:
      "Who receives alerts, how each wants them (channels, quiet hours, digest), the notification rules, and who would be alerted for a patient and event.",
  },
  {
    id: "admin-systems",
    path: "/admin/systems",
    label: "Systems",
    roles: ADMINS,
    summary:
      "Other systems Homeward tells of your patients' events: an EHR's FHIR server (Da Vinci notifications), a signed webhook, an HL7 v2 interface. Add, change, enable or disable; secrets are never shown again.",
  },
  {
    id: "admin-fhir-clients",
    path: "/admin/fhir-clients",
    label: "FHIR clients",
    roles: ADMINS,
    summary:
      "Systems that subscribe to your patients' encounter starts and ends themselves (FHIR Subscriptions, SMART Backend Services): register one by its public keys, disable it.",
  },
  {
    id: "admin-uploads",
    path: "/admin/uploads",
    label: "Uploads",
    roles: ADMINS,
    summary:
      "Rosters, care-management lists and reference lists: choose kind and preset, dry run, the row-error report, the history of import runs.",
  },
  {
    id: "admin-reviews",
    path: "/admin/reviews",
    label: "Review queue",
    roles: SYSTEM_ADMINS,
    summary:
      "Possible matches the matcher held back: the message beside each candidate, field by field. Confirm (teaches the identifier) or reject.",
  },
  {
    id: "admin-access-log",
    path: "/admin/access-log",
    label: "Access log",
    roles: ADMINS,
    summary: "Who read or changed which patient's data, and every administrative change. Filter and export.",
  },
];

export const adminPagesFor = (role, built) =>
  ADMIN_PAGES.filter((p) => p.roles.includes(role) && built.has(p.id));

/** The admin stylesheet, added once (the page's own stylesheet is the workspace's). */
function ensureStyles() {
  if (document.querySelector("link[data-admin-styles]")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/admin.css", "data-admin-styles": "" }));
}

/** The sub-navigation of the admin screens the role may open, the current one marked. */
export function adminSubnav(role, currentPath, built) {
  return h(
    "nav",
    { class: "subnav", "aria-label": "Admin" },
    h(
      "ul",
      {},
      h(
        "li",
        {},
        h(
          "a",
          { href: "/admin", "data-route": "", "aria-current": currentPath === "/admin" ? "page" : undefined },
          "Overview",
        ),
      ),
      adminPagesFor(role, built).map((p) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: p.path, "data-route": "", "aria-current": p.path === currentPath ? "page" : undefined },
            p.label,
          ),
        ),
      ),
    ),
  );
}

/**
 * The frame of an admin screen: sub-navigation, heading (focused when the screen opens), a
 * subtitle and a toolbar. Answers the element, the heading and the body to fill.
 */
export function adminFrame({ id, title, subtitle, session, path, built, toolbar = [] }) {
  ensureStyles();
  const heading = h("h1", { id: `${id}-heading`, tabindex: -1 }, title);
  const body = h("div", { class: "admin-body" });
  const element = h(
    "section",
    { class: `view admin ${id}`, "aria-labelledby": heading.id },
    adminSubnav(session.role, path, built),
    h(
      "div",
      { class: "view-header" },
      h("div", {}, heading, subtitle ? h("p", { class: "muted view-subtitle" }, subtitle) : null),
      h("div", { class: "toolbar" }, toolbar),
    ),
    body,
  );
  return { element, heading, body };
}

/** The viewer's own IANA zone: admin times are read there, the zone named. */
export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** A moment in the viewer's zone with the zone named ("Tue Mar 10, 10:00 AM EDT"). */
export const when = (value) => formatInZone(value, viewerZone());

/** Whether a key press is meant for a text field (or comes with a modifier): shortcuts leave it alone. */
export function isTyping(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target;
  if (!(target instanceof Element)) return false;
  return (
    Boolean(target.closest("input, textarea, select, [contenteditable]")) ||
    Boolean(document.querySelector("dialog[open]"))
  );
}

/** A `<kbd>` key in a hint. */
export const kbd = (key) => h("kbd", {}, key);

/**
 * The organizations the admin may administer, into the toolbar's select: the one the URL's `?org=`
 * names if it is one of them, else the first. The select is locked when there is only one.
 */
export async function chooseOrganization(select) {
  const organizations = (await api("/api/admin/organizations")).items;
  const wanted = new URLSearchParams(location.search).get("org");
  const organizationId = organizations.some((o) => o.id === wanted) ? wanted : organizations[0]?.id;
  replace(
    select,
    organizations.map((o) => h("option", { value: o.id, selected: o.id === organizationId }, o.name)),
  );
  select.disabled = organizations.length < 2;
  return { organizations, organizationId };
}

/**
 * An admin screen of one organization's list (Systems, FHIR clients): the frame with the
 * organization select and an add button, a panel for a form, a status line and the list.
 * `loadList(organizationId)` fills the list when the screen opens, when the organization changes
 * and on `reload()`; what it throws is said in the list as `loadFailure`.
 */
export function organizationListScreen({
  id,
  selectId,
  title,
  subtitle,
  session,
  path,
  built,
  addLabel,
  onAdd,
  loadList,
  loadFailure,
}) {
  const orgSelect = h("select", { id: selectId, "aria-label": "Organization" });
  const addButton = h("button", { type: "button", class: "primary", onclick: () => onAdd() }, addLabel);
  const frame = adminFrame({
    id,
    title,
    subtitle,
    session,
    path,
    built,
    toolbar: [h("label", { for: selectId }, "Organization"), orgSelect, addButton],
  });
  const panel = h("div", { class: "systems-panel" });
  const status = h("div", { class: "form-status" });
  const list = h("div", { class: "table-box card" });
  replace(frame.body, panel, status, list);
  let organizationId = null;

  async function reload() {
    if (!organizationId) {
      replace(list, h("p", { class: "empty" }, "No organization to administer."));
      return;
    }
    try {
      await loadList(organizationId);
    } catch (error) {
      replace(list, notice(messageOf(error, loadFailure), "error"));
    }
  }

  orgSelect.addEventListener("change", () => {
    organizationId = orgSelect.value;
    history.replaceState(null, "", `${path}${query({ org: organizationId })}`);
    replace(panel);
    replace(status);
    reload();
  });

  async function load() {
    try {
      ({ organizationId } = await chooseOrganization(orgSelect));
      addButton.disabled = !organizationId;
      await reload();
    } catch (error) {
      replace(list, notice(messageOf(error, "This screen could not be loaded."), "error"));
    }
  }

  return {
    panel,
    status,
    list,
    reload,
    /** The organization chosen now. */
    organizationId: () => organizationId,
    /** The screen as admin-screens.js registers it; `name` is the page title. */
    view: (name) => ({
      element: frame.element,
      heading: frame.heading,
      show() {
        replace(panel);
        replace(status);
        load();
        return name;
      },
    }),
  };
}

/**
 * A value shown once to be copied (a secret, a temporary password, an invitation link): a
 * read-only field, a Copy button (it selects the field, so Ctrl+C works where the clipboard is
 * refused) and what happened.
 */
export function copyRow(value, { id, label }) {
  const output = h("input", { id, readonly: true, value, class: "mono", "aria-label": label });
  const copied = h("span", { class: "muted", role: "status" });
  const copy = async () => {
    output.select();
    try {
      await navigator.clipboard.writeText(value);
      copied.textContent = "Copied.";
    } catch {
      copied.textContent = "Selected: press Ctrl+C to copy.";
    }
  };
  return h(
    "div",
    { class: "copy-row" },
    output,
    h("button", { type: "button", onclick: copy }, "Copy"),
    copied,
  );
}
