// The user's own account, before the dashboard: accepting an invitation (/invite#<token>: the link's
// token stays in the fragment, which no server or log sees) and choosing a new password after
// signing in with a temporary one. Both end signed in with a fresh session.
import { ApiError, api } from "./api.js";
import { h, notice, replace } from "./dom.js";

const PASSWORD_RULES = "At least 12 characters; not a common password, and not your e-mail address.";

/** A new password typed twice, with the rules beside it. */
function newPasswordFields(prefix) {
  const first = h("input", {
    id: `${prefix}-new`,
    name: "new-password",
    type: "password",
    autocomplete: "new-password",
    required: true,
    minlength: 12,
    "aria-describedby": `${prefix}-rules`,
  });
  const second = h("input", {
    id: `${prefix}-again`,
    name: "new-password-again",
    type: "password",
    autocomplete: "new-password",
    required: true,
  });
  return {
    first,
    second,
    nodes: [
      h("label", { for: first.id }, "New password"),
      first,
      h("p", { class: "hint", id: `${prefix}-rules` }, PASSWORD_RULES),
      h("label", { for: second.id }, "New password again"),
      second,
    ],
    /** The password, or an error text when the two differ. */
    read: () =>
      first.value === second.value
        ? { password: first.value }
        : { error: "The two passwords are not the same." },
  };
}

const messageOf = (error, fallback) =>
  error instanceof ApiError
    ? error.status === 429
      ? "Too many attempts. Wait a minute and try again."
      : error.message
    : fallback;

/**
 * The invitation page: whom the link is for, then a password chosen twice. `onSignedIn(token, email)`
 * takes over once the password is set.
 */
export function showInvitation({ main, onSignedIn }) {
  document.title = "Set your password · Homeward";
  const token = location.hash.replace(/^#/, "");
  const status = h("div", { class: "form-status" });
  const heading = h("h1", { id: "invite-heading", tabindex: -1 }, "Welcome to Homeward");
  const intro = h("p", { class: "muted" }, "Checking your invitation…");
  const fields = newPasswordFields("invite");
  const button = h(
    "button",
    { type: "submit", class: "primary wide", disabled: true },
    "Set password and sign in",
  );
  const form = h(
    "form",
    { class: "signin-form", "aria-labelledby": "invite-heading" },
    heading,
    intro,
    fields.nodes,
    button,
    status,
  );
  let email = "";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const read = fields.read();
    if (read.error) {
      replace(status, notice(read.error, "error"));
      return;
    }
    button.disabled = true;
    replace(status, notice("Setting your password…"));
    try {
      const body = await api("/api/invitations/accept", {
        method: "POST",
        body: { token, password: read.password },
      });
      history.replaceState(null, "", "/");
      onSignedIn(body.token, email);
    } catch (error) {
      replace(status, notice(messageOf(error, "Your password was not set."), "error"));
      button.disabled = false;
    }
  });
  replace(main, h("div", { class: "signin" }, form));
  heading.focus();
  api("/api/invitations/lookup", { method: "POST", body: { token } })
    .then((invitation) => {
      email = invitation.email;
      const until = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(
        new Date(invitation.expiresAt),
      );
      replace(
        intro,
        `You are invited as ${invitation.email}. Choose your password (this link works until ${until}).`,
      );
      button.disabled = false;
      fields.first.focus();
    })
    .catch((error) => {
      replace(intro);
      for (const node of fields.nodes) node.remove();
      button.remove();
      replace(
        status,
        notice(
          error instanceof ApiError && error.status === 400
            ? "This is not a complete invitation link. Copy the whole link from the message you were sent."
            : messageOf(error, "Your invitation could not be checked."),
          "error",
        ),
      );
    });
}

/**
 * After signing in with a temporary password: the only screen until the user has chosen their own.
 * `onChanged(token)` takes over with the new session; `onSignOut()` leaves.
 */
export function showPasswordChange({ main, onChanged, onSignOut }) {
  document.title = "Choose a new password · Homeward";
  const status = h("div", { class: "form-status" });
  const heading = h("h1", { id: "change-heading", tabindex: -1 }, "Choose a new password");
  const current = h("input", {
    id: "change-current",
    name: "current-password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const fields = newPasswordFields("change");
  const button = h("button", { type: "submit", class: "primary wide" }, "Save and continue");
  const form = h(
    "form",
    { class: "signin-form", "aria-labelledby": "change-heading" },
    heading,
    h("p", { class: "muted" }, "You signed in with a temporary password. Choose your own before you go on."),
    h("label", { for: current.id }, "Temporary password"),
    current,
    fields.nodes,
    button,
    h("button", { type: "button", class: "quiet", onclick: () => onSignOut() }, "Sign out"),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const read = fields.read();
    if (read.error) {
      replace(status, notice(read.error, "error"));
      return;
    }
    button.disabled = true;
    try {
      const body = await api("/api/account/password", {
        method: "POST",
        body: { currentPassword: current.value, newPassword: read.password },
      });
      onChanged(body.token);
    } catch (error) {
      replace(status, notice(messageOf(error, "Your password was not changed."), "error"));
      button.disabled = false;
    }
  });
  replace(main, h("div", { class: "signin" }, form));
  current.focus();
}
