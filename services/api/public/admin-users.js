// Users: who may sign in, with which role, for which organizations, as which recipient. An admin
// invites by a one-time link (the user chooses their password) or gives a temporary password the
// user must change at first sign-in; either is shown once, to copy and send. Role, organizations and
// recipient changes apply at the user's next request; disabling ends their sessions at once.
import { adminFrame, copyRow, when } from "./admin-common.js";
import { api } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { label, ROLES } from "./format.js";
import { messageOf } from "./task-drawer.js";

const ALL_ROLES = {
  care_manager: "Care manager",
  practice_admin: "Practice admin",
  quality: "Quality",
  system_admin: "System admin",
  interface_analyst: "Interface analyst",
};
const PRACTICE_GRANTABLE = ["care_manager", "practice_admin", "quality"];
const UNSCOPED = ["system_admin", "interface_analyst"];
const STATUS = {
  invited: ["Invited", "badge-open"],
  "must-change": ["Must change password", "badge-in_progress"],
  active: ["Active", "badge-completed"],
  disabled: ["Disabled", "badge-delivery-dead"],
};

export function createUsers({ session, path, built }) {
  const isSystem = session.role === "system_admin";
  const grantable = isSystem ? Object.keys(ALL_ROLES) : PRACTICE_GRANTABLE;
  const inviteButton = h(
    "button",
    { type: "button", class: "primary", onclick: () => showInvite() },
    "Invite a user",
  );
  const search = h("input", {
    id: "users-search",
    type: "search",
    placeholder: "Find by e-mail",
    "aria-label": "Find users by e-mail",
  });
  const frame = adminFrame({
    id: "admin-users",
    title: "Users",
    subtitle:
      "Who may sign in, with which role, for which organizations. Changes apply at the user's next click; disabling signs them out at once.",
    session,
    path,
    built,
    toolbar: [search, inviteButton],
  });
  const panel = h("div", { class: "users-panel" });
  const status = h("div", { class: "form-status" });
  const table = h("div", { class: "table-box card" });
  replace(frame.body, panel, status, table);

  let users = [];
  let organizations = [];
  let recipients = [];
  let editing = null;

  search.addEventListener("input", () => render());

  async function load() {
    try {
      const [u, o, r] = await Promise.all([
        api("/api/admin/users"),
        api("/api/admin/organizations"),
        api("/api/admin/recipients?active=true"),
      ]);
      users = u.items;
      organizations = o.items;
      recipients = r.items;
      render();
    } catch (error) {
      replace(table, notice(messageOf(error, "Users could not be loaded."), "error"));
    }
  }

  /** Role, organizations and recipient inputs, shared by the invitation and the edit. */
  function accessFields(prefix, current) {
    const role = h(
      "select",
      { id: `${prefix}-role`, name: "role" },
      grantable.map((r) => h("option", { value: r, selected: r === current.role }, ALL_ROLES[r])),
    );
    const boxes = organizations.map((o) =>
      h("input", {
        type: "checkbox",
        name: "organizationIds",
        value: o.id,
        checked: current.organizationIds.includes(o.id) || organizations.length === 1,
      }),
    );
    const orgs = h(
      "fieldset",
      { class: "radios org-boxes" },
      h("legend", {}, "Organizations"),
      organizations.map((o, i) => h("label", { class: "radio" }, boxes[i], o.name)),
    );
    const recipient = h("select", { id: `${prefix}-recipient`, name: "recipientId" });
    const fillRecipients = () => {
      const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
      const mine = recipients.filter((r) => chosen.includes(r.organizationId));
      const keep = recipient.value || current.recipientId || "";
      replace(
        recipient,
        h("option", { value: "" }, "None"),
        mine.map((r) =>
          h(
            "option",
            { value: r.id, selected: r.id === keep },
            `${r.displayName} (${r.role.replace("_", " ")})`,
          ),
        ),
      );
    };
    const toggle = () => {
      orgs.hidden = UNSCOPED.includes(role.value);
      recipient.disabled = UNSCOPED.includes(role.value);
    };
    for (const b of boxes) b.addEventListener("change", fillRecipients);
    role.addEventListener("change", toggle);
    fillRecipients();
    toggle();
    return {
      nodes: [
        h("div", { class: "field" }, h("label", { for: role.id }, "Role"), role),
        orgs,
        h(
          "div",
          { class: "field" },
          h("label", { for: recipient.id }, "Works tasks as (recipient)"),
          recipient,
          h("span", { class: "hint" }, "A care manager's own tasks are those assigned to this recipient."),
        ),
      ],
      read: () => ({
        role: role.value,
        organizationIds: UNSCOPED.includes(role.value)
          ? []
          : boxes.filter((b) => b.checked).map((b) => b.value),
        recipientId: UNSCOPED.includes(role.value) ? null : recipient.value || null,
      }),
    };
  }

  /** What the admin copies and sends: the link or the temporary password, shown this once. */
  function credentialsNotice(user, result) {
    const value = result.invitation
      ? `${location.origin}/invite#${result.invitation.token}`
      : result.temporaryPassword;
    return h(
      "section",
      { class: "card credentials", "aria-labelledby": "users-credential-heading" },
      h(
        "h3",
        { id: "users-credential-heading" },
        result.invitation ? `Invitation link for ${user.email}` : `Temporary password for ${user.email}`,
      ),
      h(
        "p",
        {},
        result.invitation
          ? `Send this link to ${user.email}. It works once, until ${when(result.invitation.expiresAt)}; they choose their own password.`
          : `Give this password to ${user.email} by a channel you trust (not in the same message as their e-mail address). They must change it when they first sign in.`,
      ),
      copyRow(value, {
        id: "users-credential",
        label: result.invitation ? "Invitation link" : "Temporary password",
      }),
      h("p", { class: "hint" }, "Shown only now. If it is lost, give the user a new one from the list."),
      h("button", { type: "button", class: "small", onclick: () => replace(panel) }, "Done"),
    );
  }

  function showInvite() {
    const email = h("input", {
      id: "invite-email",
      name: "email",
      type: "email",
      required: true,
      autocomplete: "off",
    });
    const access = accessFields("invite", { role: "care_manager", organizationIds: [], recipientId: null });
    const method = (value, text, hint, checked) =>
      h(
        "label",
        { class: "radio" },
        h("input", { type: "radio", name: "method", value, checked }),
        h("span", {}, h("strong", {}, text), h("span", { class: "hint" }, hint)),
      );
    const formStatus = h("div", { class: "form-status" });
    const form = h(
      "form",
      { class: "card invite-form", "aria-labelledby": "invite-heading" },
      h("h3", { id: "invite-heading" }, "Invite a user"),
      h(
        "div",
        { class: "invite-fields" },
        h("div", { class: "field" }, h("label", { for: "invite-email" }, "E-mail"), email),
        access.nodes,
      ),
      h(
        "fieldset",
        { class: "radios detail-levels" },
        h("legend", {}, "How they sign in the first time"),
        method(
          "link",
          "A one-time link",
          "They open it and choose their password. Works once, for 72 hours.",
          true,
        ),
        method(
          "password",
          "A temporary password",
          "You give it to them; they must change it when they first sign in.",
          false,
        ),
      ),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary" }, "Invite"),
        h("button", { type: "button", onclick: () => replace(panel) }, "Cancel"),
      ),
      formStatus,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const result = await api("/api/admin/users", {
          method: "POST",
          body: {
            email: email.value.trim(),
            ...access.read(),
            method: form.querySelector('input[name="method"]:checked')?.value ?? "link",
          },
        });
        replace(panel, credentialsNotice(result.user, result));
        await load();
      } catch (error) {
        replace(formStatus, notice(messageOf(error, "The user was not invited."), "error"));
      }
    });
    replace(panel, form);
    email.focus();
  }

  async function act(user, what, body) {
    try {
      const result = await api(`/api/admin/users/${encodeURIComponent(user.id)}/${what}`, {
        method: "POST",
        ...(body ? { body } : {}),
      });
      if (what === "credentials") replace(panel, credentialsNotice(result.user, result));
      else
        replace(
          status,
          notice(
            what === "disable"
              ? `${user.email} is disabled and signed out.`
              : `${user.email} may sign in again.`,
          ),
        );
      await load();
    } catch (error) {
      replace(status, notice(messageOf(error, "That did not work."), "error"));
    }
  }

  function editRow(user) {
    const access = accessFields(`edit-${user.id}`, {
      role: user.role,
      organizationIds: user.organizations.map((o) => o.id),
      recipientId: user.recipient?.id ?? null,
    });
    const formStatus = h("div", { class: "form-status" });
    const form = h(
      "form",
      { class: "edit-access", "aria-label": `Access of ${user.email}` },
      access.nodes,
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary small" }, "Save"),
        h(
          "button",
          {
            type: "button",
            class: "small",
            onclick: () => {
              editing = null;
              render();
            },
          },
          "Cancel",
        ),
      ),
      formStatus,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api(`/api/admin/users/${encodeURIComponent(user.id)}`, { method: "PUT", body: access.read() });
        editing = null;
        replace(status, notice(`${user.email}: access changed. It applies at their next click.`));
        await load();
      } catch (error) {
        replace(formStatus, notice(messageOf(error, "The change was not saved."), "error"));
      }
    });
    return h("tr", { class: "edit-row" }, h("td", { colspan: 7 }, form));
  }

  function row(user) {
    const [statusText, badge] = STATUS[user.status] ?? [user.status, ""];
    const actions = !user.manageable
      ? h("span", { class: "muted" }, user.id === session.subject ? "You" : "Another organization's too")
      : [
          h(
            "button",
            {
              type: "button",
              class: "small",
              onclick: () => {
                editing = user.id;
                render();
              },
            },
            "Edit",
          ),
          user.active
            ? h("button", { type: "button", class: "small", onclick: () => act(user, "disable") }, "Disable")
            : h("button", { type: "button", class: "small", onclick: () => act(user, "enable") }, "Enable"),
          user.active
            ? h(
                "details",
                { class: "more-actions" },
                h("summary", {}, "New sign-in"),
                h(
                  "div",
                  {},
                  h("p", { class: "hint" }, "Their current password stops working."),
                  h(
                    "button",
                    {
                      type: "button",
                      class: "small",
                      onclick: () => act(user, "credentials", { method: "link" }),
                    },
                    "New link",
                  ),
                  h(
                    "button",
                    {
                      type: "button",
                      class: "small",
                      onclick: () => act(user, "credentials", { method: "password" }),
                    },
                    "New temporary password",
                  ),
                ),
              )
            : null,
        ];
    return h(
      "tr",
      { class: user.active ? undefined : "is-disabled" },
      h("th", { scope: "row" }, user.email),
      h("td", {}, label({ ...ROLES, ...ALL_ROLES }, user.role)),
      h(
        "td",
        {},
        user.organizations.length
          ? user.organizations.map((o) => o.name).join(", ")
          : h("span", { class: "muted" }, "All / none"),
      ),
      h("td", {}, user.recipient?.displayName ?? h("span", { class: "muted" }, "—")),
      h(
        "td",
        {},
        h("span", { class: `badge ${badge}` }, statusText),
        user.invitation
          ? h("div", { class: "muted small-text" }, `link until ${when(user.invitation.expiresAt)}`)
          : null,
      ),
      h(
        "td",
        { class: "nowrap" },
        user.lastLoginAt ? when(user.lastLoginAt) : h("span", { class: "muted" }, "Never"),
      ),
      h("td", { class: "actions-col" }, h("div", { class: "user-actions" }, actions)),
    );
  }

  function render() {
    const needle = search.value.trim().toLowerCase();
    const shown = users.filter((u) => u.email.toLowerCase().includes(needle));
    replace(
      table,
      shown.length === 0
        ? h("p", { class: "empty" }, needle ? "No user matches." : "No users yet.")
        : h(
            "table",
            { class: "data-table users-table", "aria-label": "Users" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["E-mail", "Role", "Organizations", "Recipient", "Status", "Last sign-in", ""].map((t) =>
                  h("th", { scope: "col" }, t),
                ),
              ),
            ),
            h(
              "tbody",
              {},
              shown.flatMap((u) => (editing === u.id ? [row(u), editRow(u)] : [row(u)])),
            ),
          ),
    );
  }

  return {
    element: frame.element,
    heading: frame.heading,
    show() {
      editing = null;
      load();
      return "Users";
    },
  };
}
