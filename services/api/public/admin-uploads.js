// Uploads: rosters (payer attribution, practice panel, care-management list) and reference lists
// (consents, notification rules, sensitive facilities) through the same imports as the CLI. Choose
// the kind and the column preset, check the file with a dry run (nothing changes), read the row-error
// report, then import. Large files show the upload's progress, then the rows the server read.
import { adminFrame, when } from "./admin-common.js";
import { ApiError, api, download, getToken, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { formatCount } from "./format.js";
import { messageOf } from "./task-drawer.js";

/** Upload kinds: the words, where the file goes, and whether it belongs to an organization. */
const KINDS = {
  attribution: { label: "Attribution roster (payer)", path: "/api/admin/rosters", roster: true },
  panel: { label: "Practice panel", path: "/api/admin/rosters", roster: true },
  enrollment: { label: "Care-management / high-risk list", path: "/api/admin/rosters", roster: true },
  consent: { label: "Consents (opt-outs and opt-ins)", path: "/api/admin/consents/import" },
  "notification-rule": { label: "Notification rules", path: "/api/admin/notification-rules/import" },
  "sensitive-facility": {
    label: "Sensitive facilities (42 CFR Part 2)",
    path: "/api/admin/sensitive-facilities/import",
    system: true,
  },
};
const PAGE = 20;

/** POSTs the file as the body (text/csv) with upload progress, which fetch cannot report. */
function uploadFile(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("authorization", `Bearer ${getToken()}`);
    xhr.setRequestHeader("content-type", "text/csv");
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.upload.addEventListener("load", () => onProgress(file.size, file.size));
    xhr.addEventListener("load", () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON: the generic message below.
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body);
        return;
      }
      if (xhr.status === 401) window.dispatchEvent(new CustomEvent("homeward:signed-out"));
      reject(
        new ApiError(
          xhr.status,
          body?.error?.code ?? "http_error",
          body?.error?.message ?? `The upload failed (HTTP ${xhr.status}).`,
        ),
      );
    });
    xhr.addEventListener("error", () =>
      reject(new ApiError(0, "network", "Homeward cannot be reached. Check your connection and try again.")),
    );
    xhr.send(file);
  });
}

const bytes = (n) =>
  n >= 1_048_576
    ? `${(n / 1_048_576).toFixed(1)} MB`
    : n >= 1024
      ? `${Math.round(n / 1024)} KB`
      : `${n} bytes`;

function errorTable(errors, caption) {
  return h(
    "table",
    { class: "data-table compact row-errors", "aria-label": caption },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["Line", "Column", "Value", "Why it was refused"].map((t) => h("th", { scope: "col" }, t)),
      ),
    ),
    h(
      "tbody",
      {},
      errors.map((e) =>
        h(
          "tr",
          {},
          h("td", { class: "num" }, String(e.line)),
          h("td", {}, e.column ?? h("span", { class: "muted" }, "(the whole line)")),
          h("td", { class: "mono" }, e.value ?? ""),
          h("td", {}, e.reason),
        ),
      ),
    ),
  );
}

/** The counts of an import, as an admin reads them. */
function counts(report) {
  const items = [
    ["Rows read", report.read],
    ["Valid", report.valid],
    [report.dryRun ? "Would add" : "Added", report.inserted],
    [report.dryRun ? "Would change" : "Changed", report.updated],
    [report.dryRun ? "Would end" : "Ended", report.ended],
    ["Unchanged", report.unchanged],
    ["Refused rows", report.errorCount],
  ];
  if (report.patientsCreated)
    items.push([report.dryRun ? "New patients" : "Patients added", report.patientsCreated]);
  return h(
    "dl",
    { class: "upload-counts" },
    items.map(([term, value]) =>
      h(
        "div",
        { class: term === "Refused rows" && value > 0 ? "is-bad" : undefined },
        h("dt", {}, term),
        h("dd", {}, formatCount(value)),
      ),
    ),
  );
}

export function createUploads({ session, path, built }) {
  const isSystem = session.role === "system_admin";
  const frame = adminFrame({
    id: "admin-uploads",
    title: "Uploads",
    subtitle:
      "Rosters, care-management lists and reference lists (CSV). Check a file with a dry run first: it reports every refused row and changes nothing.",
    session,
    path,
    built,
  });
  const kind = h(
    "select",
    { id: "upload-kind", name: "kind" },
    Object.entries(KINDS)
      .filter(([, k]) => isSystem || !k.system)
      .map(([value, k]) => h("option", { value }, k.label)),
  );
  const org = h("select", { id: "upload-org", name: "org" });
  const preset = h("select", { id: "upload-preset", name: "preset" });
  const presetHint = h("div", { class: "preset-hint" });
  const source = h("input", { id: "upload-source", name: "source", placeholder: "e.g. bcp-attribution" });
  const asOf = h("input", { id: "upload-asof", name: "asOf", type: "date" });
  const file = h("input", {
    id: "upload-file",
    name: "file",
    type: "file",
    accept: ".csv,text/csv",
    required: true,
  });
  const checkButton = h(
    "button",
    { type: "submit", class: "primary", value: "dry" },
    "Check the file (dry run)",
  );
  const importButton = h("button", { type: "submit", value: "import" }, "Import");
  const progress = h("div", { class: "upload-progress", hidden: true });
  const report = h("div", { class: "upload-report" });
  const form = h(
    "form",
    { class: "card upload-form", "aria-label": "Upload a file" },
    h("div", { class: "field" }, h("label", { for: "upload-kind" }, "What is in the file"), kind),
    h("div", { class: "field org-field" }, h("label", { for: "upload-org" }, "Organization sending it"), org),
    h("div", { class: "field" }, h("label", { for: "upload-preset" }, "Column preset"), preset),
    h(
      "div",
      { class: "field source-field" },
      h("label", { for: "upload-source" }, "Feed name"),
      source,
      h("span", { class: "hint" }, "A later file of the same feed replaces this one's rows."),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "upload-asof" }, "The file's date"),
      asOf,
      h("span", { class: "hint" }, "Empty: today."),
    ),
    h("div", { class: "field file-field" }, h("label", { for: "upload-file" }, "CSV file"), file),
    presetHint,
    h("div", { class: "form-actions" }, checkButton, importButton),
    progress,
  );
  const historyBox = h("section", { class: "card", "aria-labelledby": "upload-history-heading" });
  replace(frame.body, form, report, historyBox);

  let organizations = [];
  let presets = [];
  let historyOffset = 0;
  let lastFile = null;

  const current = () => KINDS[kind.value];
  function fillPresets() {
    const mine = presets.filter((p) => p.kind === kind.value);
    replace(
      preset,
      mine.map((p) => h("option", { value: p.name }, `${p.name}: ${p.description}`)),
      h("option", { value: "" }, "None: the file's headers are Homeward's own field names"),
    );
    describePreset();
    const k = current();
    form.querySelector(".org-field").hidden = Boolean(k.system);
    const code = organizations.find((o) => o.id === org.value)?.code?.toLowerCase() ?? "file";
    source.placeholder = `e.g. ${code}-${kind.value}`;
    form.querySelector(".source-field .hint").textContent = k.roster
      ? "Required. A later file of the same feed replaces this one's rows."
      : "Optional (the kind's name). A later file of the same feed replaces this one's rows.";
  }
  function describePreset() {
    const p = presets.find((x) => x.name === preset.value);
    replace(
      presetHint,
      p
        ? h(
            "details",
            {},
            h("summary", {}, `Columns ${p.name} reads`),
            h(
              "ul",
              { class: "plain-list compact preset-columns" },
              p.columns.map((c) => h("li", {}, h("strong", {}, c.field), `: ${c.headers.join(", ")}`)),
            ),
          )
        : null,
    );
  }
  kind.addEventListener("change", fillPresets);
  org.addEventListener("change", fillPresets);
  preset.addEventListener("change", describePreset);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const dryRun = event.submitter?.value !== "import";
    const chosen = file.files?.[0];
    if (!chosen) return;
    await run(chosen, dryRun);
  });

  function showProgress(state) {
    progress.hidden = false;
    replace(
      progress,
      h("progress", { max: 100, value: state.percent ?? undefined, "aria-label": "Upload progress" }),
      h("span", { class: "muted", role: "status" }, state.text),
    );
  }

  async function run(chosen, dryRun) {
    const k = current();
    const code = organizations.find((o) => o.id === org.value)?.code;
    const params = {
      ...(k.roster ? { kind: kind.value } : {}),
      ...(k.system ? {} : { org: code }),
      source: source.value.trim() || (k.roster ? `${code?.toLowerCase()}-${kind.value}` : undefined),
      preset: preset.value || undefined,
      dryRun,
      asOf: asOf.value || undefined,
      fileName: chosen.name,
      errors: 200,
    };
    lastFile = chosen;
    checkButton.disabled = true;
    importButton.disabled = true;
    replace(report);
    showProgress({ percent: 0, text: `Uploading ${chosen.name} (${bytes(chosen.size)})…` });
    try {
      const answer = await uploadFile(`${k.path}${query(params)}`, chosen, (loaded, total) => {
        const percent = total > 0 ? Math.round((loaded / total) * 100) : 100;
        showProgress(
          percent < 100
            ? { percent, text: `Uploading: ${percent}% of ${bytes(total)}` }
            : { percent: null, text: "Uploaded. Reading and checking the rows…" },
        );
      });
      showProgress({ percent: 100, text: `Done: ${formatCount(answer.read)} rows read.` });
      renderReport(answer, chosen, params);
      loadHistory();
    } catch (error) {
      progress.hidden = true;
      replace(report, notice(messageOf(error, "The upload failed."), "error"));
    } finally {
      checkButton.disabled = false;
      importButton.disabled = false;
    }
  }

  function renderReport(answer, chosen, params) {
    const refused = answer.status === "rejected";
    replace(
      report,
      h(
        "section",
        { class: "card", "aria-labelledby": "upload-report-heading" },
        h(
          "div",
          { class: "card-header" },
          h(
            "h2",
            { id: "upload-report-heading" },
            refused
              ? `${chosen.name} was refused`
              : answer.dryRun
                ? `Dry run of ${chosen.name}: nothing was changed`
                : `${chosen.name} imported`,
          ),
          answer.errorCount > 0
            ? h(
                "button",
                {
                  type: "button",
                  onclick: () =>
                    download(
                      `/api/admin/import-runs/${answer.runId}?format=csv`,
                      `import-${answer.runId}-errors.csv`,
                    ),
                },
                `Download all ${formatCount(answer.errorCount)} row errors (CSV)`,
              )
            : null,
        ),
        answer.message ? notice(answer.message, refused ? "error" : "info") : null,
        counts(answer),
        answer.unmappedColumns?.length
          ? h("p", { class: "muted" }, `Columns not read: ${answer.unmappedColumns.join(", ")}.`)
          : null,
        answer.errors.length > 0
          ? [
              h(
                "p",
                {},
                answer.errorCount > answer.errors.length
                  ? `The first ${formatCount(answer.errors.length)} of ${formatCount(answer.errorCount)} refused rows:`
                  : "Refused rows (fix them in the file and upload it again; the other rows are fine):",
              ),
              h("div", { class: "table-box" }, errorTable(answer.errors, "Refused rows")),
            ]
          : h("p", { class: "muted" }, "No row was refused."),
        answer.dryRun && !refused
          ? h(
              "div",
              { class: "form-actions" },
              h(
                "button",
                { type: "button", class: "primary", onclick: () => run(lastFile, false) },
                answer.errorCount > 0 ? "Import the valid rows" : "Import it",
              ),
              h(
                "span",
                { class: "hint" },
                `Imports ${chosen.name} as checked (${params.source ?? kind.value}).`,
              ),
            )
          : null,
      ),
    );
    report.querySelector("h2")?.scrollIntoView({ block: "nearest" });
  }

  async function showRun(id) {
    try {
      const { run, errors } = await api(`/api/admin/import-runs/${encodeURIComponent(id)}`);
      renderReport(
        { ...run, runId: run.id, errors, patientsCreated: 0, unmappedColumns: [] },
        { name: run.fileName ?? `run ${run.id}` },
        run,
      );
    } catch (error) {
      replace(report, notice(messageOf(error, "The run could not be loaded."), "error"));
    }
  }

  async function loadHistory() {
    try {
      const body = await api(`/api/admin/import-runs${query({ limit: PAGE, offset: historyOffset })}`);
      replace(
        historyBox,
        h("h2", { id: "upload-history-heading" }, "Import runs"),
        body.items.length === 0
          ? h("p", { class: "empty" }, "No file uploaded yet.")
          : h(
              "div",
              { class: "table-box" },
              h(
                "table",
                { class: "data-table compact", "aria-label": "Import runs" },
                h(
                  "thead",
                  {},
                  h(
                    "tr",
                    {},
                    [
                      "Started",
                      "What",
                      "Feed and file",
                      "Organization",
                      "By",
                      "Result",
                      "Read",
                      "Added",
                      "Changed",
                      "Ended",
                      "Refused",
                      "",
                    ].map((t, i) =>
                      h("th", { scope: "col", class: i >= 6 && i <= 10 ? "num" : undefined }, t),
                    ),
                  ),
                ),
                h(
                  "tbody",
                  {},
                  body.items.map((r) =>
                    h(
                      "tr",
                      {},
                      h("td", { class: "nowrap" }, when(r.startedAt)),
                      h("td", {}, KINDS[r.kind]?.label ?? r.kind),
                      h(
                        "td",
                        {},
                        r.source,
                        r.fileName ? h("div", { class: "muted small-text" }, r.fileName) : null,
                      ),
                      h("td", {}, r.organizationName ?? h("span", { class: "muted" }, "All")),
                      h("td", {}, r.uploadedBy ?? h("span", { class: "muted" }, "CLI")),
                      h(
                        "td",
                        {},
                        r.dryRun ? [h("span", { class: "badge" }, "Dry run"), " "] : null,
                        h(
                          "span",
                          {
                            class: `badge ${r.status === "completed" ? "badge-completed" : r.status === "running" ? "badge-open" : "badge-delivery-dead"}`,
                          },
                          r.status,
                        ),
                      ),
                      h("td", { class: "num" }, formatCount(r.read)),
                      h("td", { class: "num" }, formatCount(r.inserted)),
                      h("td", { class: "num" }, formatCount(r.updated)),
                      h("td", { class: "num" }, formatCount(r.ended)),
                      h(
                        "td",
                        { class: r.errorCount > 0 ? "num overdue-text" : "num" },
                        formatCount(r.errorCount),
                      ),
                      h(
                        "td",
                        { class: "actions-col" },
                        h(
                          "button",
                          {
                            type: "button",
                            class: "small",
                            "aria-label": `Report of run ${r.id}`,
                            onclick: () => showRun(r.id),
                          },
                          "Report",
                        ),
                      ),
                    ),
                  ),
                ),
              ),
            ),
        h(
          "div",
          { class: "pager" },
          historyOffset > 0
            ? h(
                "button",
                {
                  type: "button",
                  onclick: () => {
                    historyOffset = Math.max(0, historyOffset - PAGE);
                    loadHistory();
                  },
                },
                "Newer",
              )
            : null,
          historyOffset + body.items.length < body.total
            ? h(
                "button",
                {
                  type: "button",
                  onclick: () => {
                    historyOffset += PAGE;
                    loadHistory();
                  },
                },
                "Older",
              )
            : null,
        ),
      );
    } catch (error) {
      replace(historyBox, notice(messageOf(error, "The import runs could not be loaded."), "error"));
    }
  }

  async function load() {
    try {
      const [o, p] = await Promise.all([api("/api/admin/organizations"), api("/api/admin/import-presets")]);
      organizations = o.items;
      presets = p.items;
      replace(
        org,
        organizations.map((x) => h("option", { value: x.id }, `${x.name} (${x.code})`)),
      );
      org.disabled = organizations.length < 2;
      fillPresets();
    } catch (error) {
      replace(report, notice(messageOf(error, "The upload form could not be prepared."), "error"));
    }
    historyOffset = 0;
    loadHistory();
  }

  return {
    element: frame.element,
    heading: frame.heading,
    show() {
      replace(report);
      progress.hidden = true;
      load();
      return "Uploads";
    },
  };
}
