// Systems: the organization's other systems Homeward tells of its patients' events (issue 17): a Da
// Vinci FHIR notification receiver (base URL; a bearer token, OAuth 2.0 client credentials the SMART
// Backend Services way, or none), a webhook signed as Standard Webhooks (URL, signing secret) and an
// HL7 v2 interface over MLLP (host and port, TLS or not). Each may have its own TLS: the server's CA,
// a client certificate and its key (mutual TLS). Secrets and private keys go in and
// never come back: the list says only whether one is set; a secret generated here is shown once.
// Every change is audited by the API (outbound-endpoint.create / .update), without the secret.
import { copyRow, organizationListScreen, when } from "./admin-common.js";
import { kindBoxes } from "./admin-recipients.js";
import { ApiError, api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { EVENT_KINDS, label } from "./format.js";
import { messageOf } from "./task-drawer.js";

export const SYSTEM_KINDS = {
  davinci_fhir: "Da Vinci FHIR notifications",
  webhook: "Webhook (Standard Webhooks)",
  hl7v2_mllp: "HL7 v2 over MLLP",
};
const KIND_HINTS = {
  davinci_fhir:
    "A FHIR server that takes Da Vinci Unsolicited Notifications: Homeward posts a message Bundle to [base]/$process-message. Only admissions, discharges and transfers have a Da Vinci message.",
  webhook:
    "Homeward posts each event as JSON to this URL, signed with the secret (Standard Webhooks headers), so the receiver can tell it is Homeward.",
  hl7v2_mllp:
    "The EHR's interface engine: each ADT message is forwarded (with Homeward's patient id added) and its ACK awaited. MLLP, inside TLS when the interface takes it.",
};
/** The kinds as the list says them (the form gives the long names). */
const SHORT_KINDS = { davinci_fhir: "Da Vinci FHIR", webhook: "Webhook", hl7v2_mllp: "HL7 v2 (MLLP)" };
const AUTH_WORDS = { bearer: "Bearer token", webhook_secret: "Signing secret", smart_backend: "SMART key" };
const FHIR_AUTH = {
  none: "None",
  bearer: "Bearer token",
  smart_backend: "OAuth 2.0 client credentials (SMART Backend Services)",
};

/** A new Standard Webhooks secret: `whsec_` and base64 of 32 random bytes from the browser's CSPRNG. */
export function newWebhookSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** Where an endpoint sends: its URL, or host:port for an HL7 interface. */
export const targetOf = (e) => (e.kind === "hl7v2_mllp" ? `${e.host}:${e.port}` : e.url);

/** The field a problem belongs to: "eventKinds.2" is the event kinds, a name taken is the name. */
function fieldOf(path) {
  const [top, second] = String(path ?? "").split(".");
  if ((top === "smart" || top === "tls") && second !== undefined) return `${top}-${second}`;
  if (top === "smart") return "smart-tokenUrl";
  if (top === "tlsClientKey") return "tls-key";
  return top === "organizationId" ? "" : top;
}

/** The schema's generic words for a field said as a person would; the API's own sentences kept, capitalized. */
function plainWords(key, message) {
  const generic = /^(Too small|Too big|Invalid input|Invalid URL|Invalid string|Required)/i.test(message);
  if (generic && key === "name") return "Give it a name (up to 200 characters).";
  if (generic && key === "url") return "A full address starting with https:// (or http://), without spaces.";
  if (generic && key === "port") return "A port number from 1 to 65535.";
  if (generic && key === "host") return "A host name or IPv4 address.";
  if (generic && key === "programs") return "Program names, comma-separated, up to 100 characters each.";
  if (generic && key === "smart-tokenUrl") return "The EHR's token endpoint, a full https:// address.";
  if (generic && (key === "smart-clientId" || key === "smart-keyId"))
    return "Required, as the EHR registered it.";
  const text = message.trim();
  return text === "" ? text : `${text[0].toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? "" : "."}`;
}

export function createSystems({ session, path, built }) {
  let endpoints = [];
  const screen = organizationListScreen({
    id: "admin-systems",
    selectId: "systems-org",
    title: "Systems",
    subtitle:
      "Other systems of the organization that Homeward tells of its patients' events: an EHR's FHIR server, a webhook, an HL7 v2 interface. Secrets are never shown again; every change is in the access log.",
    session,
    path,
    built,
    addLabel: "Add a system",
    onAdd: () => openForm(null),
    loadFailure: "The systems could not be loaded.",
    loadList: async (organizationId) => {
      endpoints = (await api(`/api/admin/outbound-endpoints${query({ organizationId })}`)).items;
      render();
    },
  });
  const { panel, status, list } = screen;
  const loadEndpoints = screen.reload;

  /** The endpoint's fields as PUT takes them (the secret left out: the stored one is kept). */
  const fieldsOf = (e) => ({
    name: e.name,
    kind: e.kind,
    url: e.url,
    host: e.host,
    port: e.port,
    authKind: e.authKind,
    smart: e.smart,
    tls: e.tls,
    eventKinds: e.eventKinds,
    programs: e.programs,
    enabled: e.enabled,
  });

  async function setEnabled(endpoint, enabled) {
    try {
      await api(`/api/admin/outbound-endpoints/${encodeURIComponent(endpoint.id)}`, {
        method: "PUT",
        body: { ...fieldsOf(endpoint), enabled },
      });
      replace(
        status,
        notice(
          enabled
            ? `${endpoint.name} is enabled: new events are sent to it.`
            : `${endpoint.name} is disabled: nothing more is sent to it.`,
        ),
      );
      await loadEndpoints();
    } catch (error) {
      replace(status, notice(messageOf(error, "That did not work."), "error"));
    }
  }

  /** The secret generated here, shown once after the save, to copy into the receiving system. */
  function secretNotice(endpoint, secret) {
    return h(
      "section",
      { class: "card credentials", "aria-labelledby": "systems-secret-heading" },
      h("h3", { id: "systems-secret-heading" }, `Signing secret for ${endpoint.name}`),
      h(
        "p",
        {},
        "Give it to the team that runs the receiving system, by a channel you trust: their verifier checks each webhook's signature with it.",
      ),
      copyRow(secret, { id: "systems-secret", label: "Signing secret" }),
      h(
        "p",
        { class: "hint" },
        "Shown only now: Homeward keeps it sealed and never shows it again. If it is lost, generate a new one from Edit.",
      ),
      h("button", { type: "button", class: "small", onclick: () => replace(panel) }, "Done"),
    );
  }

  /** The add or edit form; `endpoint` null adds one. */
  function openForm(endpoint) {
    replace(status);
    const editing = endpoint !== null;
    const id = (n) => `system-${n}`;
    const fields = {};
    /** A labelled field with its hint and the place for the API's problem with it. */
    function field(key, text, input, hint) {
      input.id = input.id || id(key);
      const error = h("div", { class: "field-error", id: `${input.id}-error` });
      const hintNode = hint ? h("span", { class: "hint", id: `${input.id}-hint` }, hint) : null;
      input.setAttribute("aria-describedby", [hintNode ? `${input.id}-hint` : "", error.id].join(" ").trim());
      const node = h(
        "div",
        { class: "field", dataset: { key } },
        h("label", { for: input.id }, text),
        input,
        hintNode,
        error,
      );
      fields[key] = node;
      return node;
    }

    const name = h("input", {
      name: "name",
      value: endpoint?.name ?? "",
      required: true,
      autocomplete: "off",
    });
    const kind = h(
      "select",
      { name: "kind", disabled: editing },
      Object.entries(SYSTEM_KINDS).map(([v, t]) =>
        h("option", { value: v, selected: (endpoint?.kind ?? "davinci_fhir") === v }, t),
      ),
    );
    const url = h("input", {
      name: "url",
      type: "url",
      value: endpoint?.url ?? "",
      autocomplete: "off",
      placeholder: "https://",
    });
    const host = h("input", { name: "host", value: endpoint?.host ?? "", autocomplete: "off" });
    const port = h("input", {
      name: "port",
      type: "number",
      min: 1,
      max: 65535,
      step: 1,
      value: endpoint?.port ?? "",
    });
    // FHIR: a bearer token, SMART Backend Services, or none. On edit an empty token or key keeps the stored one.
    const fhirAuth = h(
      "select",
      { name: "fhir-auth" },
      Object.entries(FHIR_AUTH).map(([v, t]) =>
        h(
          "option",
          { value: v, selected: (endpoint?.kind === "davinci_fhir" ? endpoint.authKind : "bearer") === v },
          t,
        ),
      ),
    );
    const smart = endpoint?.smart ?? null;
    const text = (name, value, placeholder) =>
      h("input", { name, value: value ?? "", autocomplete: "off", placeholder: placeholder ?? "" });
    const pemBox = (name, value, placeholder) =>
      h("textarea", { name, rows: 3, class: "mono", spellcheck: "false", placeholder, text: value ?? "" });
    const tokenUrl = text("token-url", smart?.tokenUrl, "https://");
    const clientId = text("client-id", smart?.clientId);
    const keyId = text("key-id", smart?.keyId);
    const scope = text("scope", smart?.scope, "system/*.write");
    const smartKey = pemBox(
      "smart-key",
      "",
      endpoint?.authKind === "smart_backend" && endpoint.hasSecret
        ? "Set: leave empty to keep it"
        : "-----BEGIN PRIVATE KEY----- … or a JWK",
    );
    // TLS of its own: MLLP over TLS (HL7), the server's CA, Homeward's client certificate and key.
    const tls = endpoint?.tls ?? { mllpTls: false, caPem: null, clientCertPem: null };
    const mllpTls = h("input", { type: "checkbox", id: id("mllp-tls"), checked: tls.mllpTls });
    const caPem = pemBox("tls-ca", tls.caPem, "-----BEGIN CERTIFICATE----- (empty: the usual public CAs)");
    const clientCert = pemBox("tls-cert", tls.clientCertPem, "-----BEGIN CERTIFICATE----- (empty: none)");
    const clientKey = pemBox(
      "tls-key",
      "",
      endpoint?.hasTlsClientKey ? "Set: leave empty to keep it" : "-----BEGIN PRIVATE KEY-----",
    );
    const token = h("input", {
      name: "token",
      type: "password",
      autocomplete: "new-password",
      placeholder: endpoint?.authKind === "bearer" && endpoint.hasSecret ? "Set: leave empty to keep it" : "",
    });
    // Webhook: generate a secret (shown once after saving), paste one, or keep the stored one.
    const secretChoices =
      editing && endpoint.kind === "webhook" && endpoint.hasSecret
        ? { keep: "Keep the current secret", generate: "Generate a new one", paste: "Paste one" }
        : { generate: "Generate one for me", paste: "Paste one" };
    const secretRadios = Object.entries(secretChoices).map(([v, t], i) =>
      h(
        "label",
        { class: "radio" },
        h("input", { type: "radio", name: "secret-choice", value: v, checked: i === 0 }),
        t,
      ),
    );
    const pasted = h("input", {
      name: "pasted-secret",
      type: "password",
      autocomplete: "new-password",
      placeholder: "whsec_…",
    });
    const kinds = kindBoxes("system-kinds", endpoint?.eventKinds ?? []);
    const programs = h("input", {
      name: "programs",
      value: (endpoint?.programs ?? []).join(", "),
      placeholder: "every program, and patients on no list",
      autocomplete: "off",
    });
    const enabled = h("input", {
      type: "checkbox",
      id: id("enabled"),
      checked: endpoint ? endpoint.enabled : true,
    });

    const urlField = field("url", "URL", url);
    const hostField = field("host", "Host", host, "A host name or IPv4 address.");
    const portField = field("port", "Port", port);
    const tokenField = field(
      "secret-token",
      "Bearer token",
      token,
      "Sent as Authorization: Bearer … with each message; at least 16 characters. Never shown again.",
    );
    const authFhir = field("authKind-fhir", "Authentication", fhirAuth, " ");
    authFhir.classList.add("field-wide");
    const smartFields = [
      field("smart-tokenUrl", "Token URL", tokenUrl, "The EHR's OAuth 2.0 token endpoint."),
      field("smart-clientId", "Client id", clientId, "The id the EHR registered for Homeward."),
      field("smart-keyId", "Key id (kid)", keyId, "Which of the registered keys (JWKS) signs."),
      field("smart-scope", "Scope", scope, "Empty: system/*.write."),
      field(
        "smart-key",
        "Private key",
        smartKey,
        "RSA (RS384, 2048 bits or more) or EC P-384 (ES384), PEM or JWK. Homeward signs its client assertions with it; never shown again. The EHR registers the public half.",
      ),
    ];
    for (const f of smartFields.slice(4)) f.classList.add("field-wide");
    const mllpTlsField = h(
      "div",
      { class: "field field-wide", dataset: { key: "tls-mllpTls" } },
      h("label", { class: "radio", for: mllpTls.id }, mllpTls, "MLLP over TLS"),
      h("div", { class: "field-error" }),
    );
    const tlsFields = [
      field("tls-caPem", "Server's CA (PEM)", caPem, "The CA the server's certificate must chain to."),
      field(
        "tls-clientCertPem",
        "Client certificate (PEM)",
        clientCert,
        "Homeward's certificate for mutual TLS, if the server asks for one.",
      ),
      field("tls-key", "Client certificate's key (PEM)", clientKey, "Never shown again."),
    ];
    for (const f of tlsFields) f.classList.add("field-wide");
    const pastedField = field(
      "secret-pasted",
      "Signing secret",
      pasted,
      "whsec_ and base64 of 24 to 64 random bytes (e.g. echo whsec_$(openssl rand -base64 32)).",
    );
    const secretBox = h(
      "fieldset",
      { class: "radios field-wide secret-choices" },
      h("legend", {}, "Signing secret"),
      secretRadios,
    );
    const chosenSecret = () => secretBox.querySelector('input[name="secret-choice"]:checked')?.value;

    const problems = h("div");
    const formStatus = h("div", { class: "form-status", role: "status" });
    const form = h(
      "form",
      {
        class: "card system-form",
        novalidate: true,
        "aria-labelledby": id("heading"),
      },
      h("h3", { id: id("heading") }, editing ? `Edit ${endpoint.name}` : "Add a system"),
      problems,
      h(
        "div",
        { class: "system-fields" },
        field("name", "Name", name, "How people here know it, e.g. \u201cSpringvale EHR\u201d."),
        field("kind", "Kind", kind, " "),
        urlField,
        hostField,
        portField,
        authFhir,
        tokenField,
        smartFields,
        mllpTlsField,
        tlsFields,
        secretBox,
        pastedField,
        h(
          "div",
          { class: "field field-wide", dataset: { key: "eventKinds" } },
          h("span", { class: "field-label" }, "Events"),
          kinds.node,
          h("span", { class: "hint" }, "None ticked: every event the kind of system carries."),
          h("div", { class: "field-error" }),
        ),
        field(
          "programs",
          "Programs (comma-separated)",
          programs,
          "Only patients enrolled in these care-management programs. Empty: every patient of the organization.",
        ),
        h(
          "div",
          { class: "field", dataset: { key: "enabled" } },
          h("label", { class: "radio", for: enabled.id }, enabled, "Enabled: send new events to it"),
        ),
      ),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary" }, editing ? "Save changes" : "Add system"),
        h("button", { type: "button", onclick: () => replace(panel) }, "Cancel"),
        formStatus,
      ),
    );

    function sync() {
      const k = kind.value;
      fields.kind.querySelector(".hint").textContent = editing
        ? `${KIND_HINTS[k]} The kind cannot change: add another system instead.`
        : KIND_HINTS[k];
      urlField.hidden = k === "hl7v2_mllp";
      urlField.querySelector("label").textContent = k === "davinci_fhir" ? "FHIR base URL" : "Webhook URL";
      hostField.hidden = k !== "hl7v2_mllp";
      portField.hidden = k !== "hl7v2_mllp";
      authFhir.hidden = k !== "davinci_fhir";
      tokenField.hidden = k !== "davinci_fhir" || fhirAuth.value !== "bearer";
      for (const f of smartFields) f.hidden = k !== "davinci_fhir" || fhirAuth.value !== "smart_backend";
      authFhir.querySelector(".hint").textContent =
        fhirAuth.value === "smart_backend"
          ? "Homeward signs a JWT with its private key and trades it at the token URL for an access token."
          : "";
      mllpTlsField.hidden = k !== "hl7v2_mllp";
      for (const f of tlsFields) f.hidden = k === "hl7v2_mllp" && !mllpTls.checked;
      secretBox.hidden = k !== "webhook";
      pastedField.hidden = k !== "webhook" || chosenSecret() !== "paste";
    }
    kind.addEventListener("change", sync);
    fhirAuth.addEventListener("change", sync);
    mllpTls.addEventListener("change", sync);
    for (const r of secretBox.querySelectorAll("input")) r.addEventListener("change", sync);
    sync();

    /** The body the API takes, and the secret generated here (to show once), if any. */
    function read() {
      const k = kind.value;
      const base = {
        name: name.value.trim(),
        kind: k,
        url: k === "hl7v2_mllp" ? null : url.value.trim() || null,
        host: k === "hl7v2_mllp" ? host.value.trim() || null : null,
        port: k === "hl7v2_mllp" && port.value.trim() !== "" ? Number(port.value) : null,
        eventKinds: kinds.read() ?? [],
        programs: programs.value
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
        enabled: enabled.checked,
        smart: null,
      };
      const ownTls = k !== "hl7v2_mllp" || mllpTls.checked;
      base.tls = {
        mllpTls: k === "hl7v2_mllp" && mllpTls.checked,
        caPem: ownTls ? caPem.value.trim() || null : null,
        clientCertPem: ownTls ? clientCert.value.trim() || null : null,
      };
      const tlsKey = clientKey.value.trim();
      if (base.tls.clientCertPem !== null && tlsKey !== "") base.tlsClientKey = tlsKey;
      if (k === "hl7v2_mllp") return { body: { ...base, authKind: "none" }, generated: null };
      if (k === "davinci_fhir") {
        if (fhirAuth.value === "none") return { body: { ...base, authKind: "none" }, generated: null };
        if (fhirAuth.value === "smart_backend") {
          const key = smartKey.value.trim();
          const settings = {
            tokenUrl: tokenUrl.value.trim(),
            clientId: clientId.value.trim(),
            keyId: keyId.value.trim(),
            scope: scope.value.trim() || null,
          };
          return {
            body: {
              ...base,
              authKind: "smart_backend",
              smart: settings,
              ...(key === "" ? {} : { secret: key }),
            },
            generated: null,
          };
        }
        const t = token.value;
        return { body: { ...base, authKind: "bearer", ...(t === "" ? {} : { secret: t }) }, generated: null };
      }
      const choice = chosenSecret();
      if (choice === "generate") {
        const secret = newWebhookSecret();
        return { body: { ...base, authKind: "webhook_secret", secret }, generated: secret };
      }
      if (choice === "paste") {
        const p = pasted.value.trim();
        return {
          body: { ...base, authKind: "webhook_secret", ...(p === "" ? {} : { secret: p }) },
          generated: null,
        };
      }
      return { body: { ...base, authKind: "webhook_secret" }, generated: null };
    }

    /** The API's problems beside their fields; the rest (and a count) above the form. */
    function showProblems(list) {
      for (const el of form.querySelectorAll(".field.has-error")) el.classList.remove("has-error");
      for (const el of form.querySelectorAll(".field-error")) el.textContent = "";
      const unplaced = [];
      const k = kind.value;
      for (const p of list) {
        let key = fieldOf(p.path);
        // The secret's field is the token's or the pasted secret's; authKind's is the token choice.
        const smartAuth = k === "davinci_fhir" && fhirAuth.value === "smart_backend";
        if (key === "secret")
          key = k === "davinci_fhir" ? (smartAuth ? "smart-key" : "secret-token") : "secret-pasted";
        if (key === "authKind" && k === "davinci_fhir") key = smartAuth ? "smart-key" : "secret-token";
        if (key === "host" && k === "hl7v2_mllp" && host.value.trim() !== "" && port.value.trim() === "")
          key = "port";
        const target = [...form.querySelectorAll(".field[data-key]")].find(
          (f) => f.dataset.key === key && !f.hidden,
        );
        if (key === "secret-pasted" && target === undefined && k === "webhook") {
          // A generated or kept secret the API refused: show it at the choice.
          unplaced.push(p);
          continue;
        }
        if (target) {
          target.classList.add("has-error");
          const slot = target.querySelector(".field-error");
          const text = plainWords(key, p.message);
          slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
        } else unplaced.push(p);
      }
      replace(
        problems,
        list.length === 0
          ? null
          : h(
              "ul",
              { class: "form-problems", role: "alert" },
              h(
                "li",
                {},
                `Not saved: ${list.length === 1 ? "one thing needs" : `${list.length} things need`} fixing.`,
              ),
              unplaced.map((p) => h("li", {}, plainWords(fieldOf(p.path), p.message))),
            ),
      );
      form
        .querySelector(".field.has-error input, .field.has-error select, .field.has-error textarea")
        ?.focus();
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const { body, generated } = read();
      const submit = form.querySelector('button[type="submit"]');
      submit.disabled = true;
      replace(formStatus, "Saving…");
      try {
        const saved = editing
          ? await api(`/api/admin/outbound-endpoints/${encodeURIComponent(endpoint.id)}`, {
              method: "PUT",
              body,
            })
          : await api("/api/admin/outbound-endpoints", {
              method: "POST",
              body: { ...body, organizationId: screen.organizationId() },
            });
        if (generated) replace(panel, secretNotice(saved, generated));
        else replace(panel);
        replace(status, notice(editing ? `${saved.name}: saved.` : `${saved.name} added.`));
        await loadEndpoints();
      } catch (error) {
        showProblems(problemsOf(error));
      } finally {
        submit.disabled = false;
        replace(formStatus);
      }
    });

    replace(panel, form);
    name.focus();
  }

  function row(e) {
    const secret =
      e.authKind === "none"
        ? h("span", { class: "muted" }, "None")
        : [
            label(AUTH_WORDS, e.authKind),
            " ",
            e.hasSecret
              ? h("span", { class: "badge badge-completed" }, "set")
              : h("span", { class: "badge badge-delivery-dead" }, "missing"),
          ];
    const tlsWords = [
      e.tls?.mllpTls ? "TLS" : null,
      e.tls?.caPem ? "own CA" : null,
      e.tls?.clientCertPem
        ? e.hasTlsClientKey
          ? "client certificate"
          : "client certificate without key"
        : null,
    ].filter(Boolean);
    return h(
      "tr",
      { class: e.enabled ? undefined : "is-disabled", dataset: { endpoint: e.id } },
      h("th", { scope: "row", class: "name-col" }, e.name),
      h("td", { class: "nowrap" }, label(SHORT_KINDS, e.kind)),
      h("td", { class: "mono target-col" }, targetOf(e)),
      h(
        "td",
        {},
        e.eventKinds.length === 0
          ? h("span", { class: "muted" }, "Every event")
          : e.eventKinds.map((k) => label(EVENT_KINDS, k)).join(", "),
      ),
      h(
        "td",
        {},
        e.programs.length === 0 ? h("span", { class: "muted" }, "Every patient") : e.programs.join(", "),
      ),
      h(
        "td",
        { class: "nowrap" },
        secret,
        tlsWords.length === 0 ? null : h("div", { class: "muted small-text" }, tlsWords.join(" · ")),
      ),
      h(
        "td",
        {},
        e.enabled
          ? h("span", { class: "badge badge-completed" }, "Enabled")
          : h("span", { class: "badge badge-off" }, "Disabled"),
        h("div", { class: "muted small-text" }, `changed ${when(e.updatedAt)}`),
      ),
      h(
        "td",
        { class: "actions-col" },
        h(
          "div",
          { class: "user-actions" },
          h(
            "button",
            {
              type: "button",
              class: "small",
              "aria-label": `Edit ${e.name}`,
              onclick: () => openForm(e),
            },
            "Edit",
          ),
          h(
            "button",
            {
              type: "button",
              class: "small",
              "aria-label": `${e.enabled ? "Disable" : "Enable"} ${e.name}`,
              onclick: () => setEnabled(e, !e.enabled),
            },
            e.enabled ? "Disable" : "Enable",
          ),
        ),
      ),
    );
  }

  function render() {
    replace(
      list,
      endpoints.length === 0
        ? h(
            "p",
            { class: "empty" },
            "No systems yet: Homeward tells this organization's people only (alerts and tasks).",
          )
        : h(
            "table",
            { class: "data-table systems-table", "aria-label": "Systems" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["Name", "Kind", "Where", "Events", "Programs", "Secret", "State", ""].map((t) =>
                  h("th", { scope: "col" }, t),
                ),
              ),
            ),
            h("tbody", {}, endpoints.map(row)),
          ),
    );
  }

  return screen.view("Systems");
}

/** Problems from the API as `{ path, message }`: zod's issues, a name taken (409), or the message. */
export function problemsOf(error) {
  if (error instanceof ApiError) {
    const issues = error.details?.issues;
    if (Array.isArray(issues) && issues.length > 0)
      return issues.map((i) => ({ path: i.path ?? "", message: i.message }));
    if (error.status === 409 && /name/.test(error.message)) return [{ path: "name", message: error.message }];
    if (error.status === 409 && /secret/.test(error.message))
      return [{ path: "secret", message: error.message }];
  }
  return [{ path: "", message: messageOf(error, "The system could not be saved.") }];
}
