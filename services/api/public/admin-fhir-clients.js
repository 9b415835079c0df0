// FHIR clients: the organization's systems that manage their own FHIR Subscriptions to Homeward's
// encounter topics (issue 17), authenticating the SMART Backend Services way. The admin registers a
// system by its PUBLIC keys (a JWKS: Homeward never holds its private key) and the scopes it may
// ask for, gets the client id and token URL to give its team, and can disable a client (its tokens
// stop at once) or enable it again. The API audits each change (fhir-client.create / .disable / .enable).
import { organizationListScreen, when } from "./admin-common.js";
import { api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { messageOf } from "./task-drawer.js";

const SCOPES = {
  "system/Subscription.cruds": "Create, read, update, delete and search subscriptions",
  "system/Subscription.rs": "Read and search only",
};
/** What an id-only notification names: the client reads them back (GET /api/fhir/Encounter/:id, /Patient/:id). */
const READ_SCOPES = ["system/Encounter.r", "system/Patient.r"];

/** The key ids (or key types) of a client's JWKS, as the list says them. */
const keysOf = (c) => c.jwks.keys.map((k) => k.kid ?? (k.kty === "EC" ? "EC P-384" : k.kty)).join(", ");

export function createFhirClients({ session, path, built }) {
  const screen = organizationListScreen({
    id: "admin-fhir-clients",
    selectId: "fhir-clients-org",
    title: "FHIR clients",
    subtitle:
      "Systems that subscribe to your patients' encounter starts and ends themselves (FHIR Subscriptions), signing in with their own key (SMART Backend Services). Homeward keeps only their public keys.",
    session,
    path,
    built,
    addLabel: "Register a client",
    onAdd: () => openForm(),
    loadFailure: "The FHIR clients could not be loaded.",
    loadList: async (organizationId) =>
      render((await api(`/api/admin/fhir-clients${query({ organizationId })}`)).items),
  });
  const { panel, status, list } = screen;
  const loadClients = screen.reload;

  async function setEnabled(client, enabled) {
    try {
      await api(`/api/admin/fhir-clients/${encodeURIComponent(client.clientId)}`, {
        method: "PATCH",
        body: { enabled },
      });
      replace(
        status,
        notice(
          enabled
            ? `${client.name} is enabled: it can get tokens again.`
            : `${client.name} is disabled: its tokens stop working and it gets no new one.`,
        ),
      );
      await loadClients();
    } catch (error) {
      replace(status, notice(messageOf(error, "That did not work."), "error"));
    }
  }

  /** What to give the client's team once it is registered: its client id and the token URL. */
  function registeredNotice(client) {
    const row = (label, value, id) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: id }, label),
        h("input", { id, readonly: true, value, class: "mono" }),
      );
    return h(
      "section",
      { class: "card credentials", "aria-labelledby": "fhir-client-done" },
      h("h3", { id: "fhir-client-done" }, `${client.name} is registered`),
      h(
        "p",
        {},
        "Give these to the team that runs it: it signs its assertion with its private key (iss and sub the client id, aud the token URL) and trades it there for a five-minute token.",
      ),
      row("Client id", client.clientId, "fhir-client-id"),
      row("Token URL", client.tokenUrl, "fhir-client-token-url"),
      h("button", { type: "button", class: "small", onclick: () => replace(panel) }, "Done"),
    );
  }

  function openForm() {
    replace(status);
    const error = h("div", { class: "field-error", id: "fhir-client-jwks-error", role: "alert" });
    const name = h("input", { id: "fhir-client-name", name: "name", required: true, autocomplete: "off" });
    const jwks = h("textarea", {
      id: "fhir-client-jwks",
      name: "jwks",
      rows: 6,
      class: "mono",
      spellcheck: "false",
      placeholder: '{"keys": [{"kty": "EC", "crv": "P-384", "x": "…", "y": "…", "kid": "…"}]}',
      "aria-describedby": "fhir-client-jwks-hint fhir-client-jwks-error",
    });
    const scope = h(
      "select",
      { id: "fhir-client-scope", name: "scope" },
      Object.entries(SCOPES).map(([v, t]) => h("option", { value: v }, t)),
    );
    const reads = h("input", { type: "checkbox", id: "fhir-client-reads", name: "reads", checked: true });
    const form = h(
      "form",
      { class: "card system-form", "aria-label": "Register a FHIR client" },
      h("h3", {}, "Register a FHIR client"),
      h("div", { class: "field" }, h("label", { for: name.id }, "Name"), name),
      h(
        "div",
        { class: "field" },
        h("label", { for: jwks.id }, "Public keys (JWKS)"),
        jwks,
        h(
          "span",
          { class: "hint", id: "fhir-client-jwks-hint" },
          "The system's public key set: RSA of 2048 bits or more (RS384) or EC P-384 (ES384). Never its private key.",
        ),
        error,
      ),
      h("div", { class: "field" }, h("label", { for: scope.id }, "May"), scope),
      h(
        "div",
        { class: "field" },
        h("label", { class: "radio" }, reads, "Also read the encounters and patients it is notified of"),
        h(
          "span",
          { class: "hint" },
          "Needed by a system that subscribes with id-only notifications (system/Encounter.r, system/Patient.r).",
        ),
      ),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary" }, "Register"),
        h("button", { type: "button", onclick: () => replace(panel) }, "Cancel"),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      replace(error);
      let keys;
      try {
        keys = JSON.parse(jwks.value);
      } catch {
        replace(error, 'Paste the key set as JSON: {"keys": [ … ]}.');
        return;
      }
      try {
        const client = await api("/api/admin/fhir-clients", {
          method: "POST",
          body: {
            organizationId: screen.organizationId(),
            name: name.value,
            jwks: keys,
            scopes: [scope.value, ...(reads.checked ? READ_SCOPES : [])],
          },
        });
        replace(panel, registeredNotice(client));
        await loadClients();
      } catch (e) {
        replace(error, messageOf(e, "The client could not be registered."));
      }
    });
    replace(panel, form);
    name.focus();
  }

  function row(c) {
    const toggle = c.enabled ? "Disable" : "Enable";
    return h(
      "tr",
      { class: c.enabled ? undefined : "is-disabled", dataset: { client: c.clientId } },
      h("th", { scope: "row", class: "name-col" }, c.name),
      h("td", { class: "mono" }, c.clientId),
      h("td", {}, keysOf(c)),
      h("td", { class: "mono" }, c.scopes.join(" ")),
      h(
        "td",
        {},
        c.enabled
          ? h("span", { class: "badge badge-completed" }, "Enabled")
          : h("span", { class: "badge badge-off" }, "Disabled"),
        h("div", { class: "muted small-text" }, `registered ${when(c.createdAt)}`),
      ),
      h(
        "td",
        { class: "actions-col" },
        h(
          "button",
          {
            type: "button",
            class: "small",
            "aria-label": `${toggle} ${c.name}`,
            onclick: () => setEnabled(c, !c.enabled),
          },
          toggle,
        ),
      ),
    );
  }

  function render(clients) {
    replace(
      list,
      clients.length === 0
        ? h("p", { class: "empty" }, "No FHIR clients yet: register one to let it subscribe.")
        : h(
            "table",
            { class: "data-table systems-table", "aria-label": "FHIR clients" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["Name", "Client id", "Keys", "Scopes", "State", ""].map((t) => h("th", { scope: "col" }, t)),
              ),
            ),
            h("tbody", {}, clients.map(row)),
          ),
    );
  }

  return screen.view("FHIR clients");
}
