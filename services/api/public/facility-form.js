// The facility form (onboarding and editing one hospital feed's settings) and its history, for
// facilities.js. Field names and hints say which HL7 field each setting reads.
import { ApiError, api } from "./api.js";
import { h, replace } from "./dom.js";
import { at, watchText } from "./feeds-common.js";
import { messageOf } from "./task-drawer.js";

const CHARSETS = [
  ["UNICODE UTF-8", "UTF-8 (UNICODE UTF-8)"],
  ["8859/1", "Latin-1 (8859/1)"],
  ["ASCII", "ASCII"],
];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** The mapping's list fields: label, HL7 field, hint, default (as the file's schema fills it). */
const LISTS = [
  ["edPatientClasses", "ED patient classes", "PV1-2 values that mean an ED visit.", ["E"]],
  ["edLocations", "ED locations", "PV1-3.1 points of care that mean the ED, whatever the class.", []],
  [
    "edAdmitSources",
    "ED admit sources",
    "PV1-14 values that make an A06 an ED-to-inpatient conversion.",
    ["7"],
  ],
  ["observationPatientClasses", "Observation patient classes", "PV1-2 values that mean observation.", []],
  [
    "observationPatientTypes",
    "Observation patient types",
    "PV1-18 values that mean observation (Epic, Cerner).",
    [],
  ],
  ["observationLocations", "Observation locations", "PV1-3.1 points of care of observation units.", []],
  ["mrnTypeCodes", "MRN type codes", "PID-3 CX-5 identifier types that make a repetition the MRN.", ["MR"]],
  [
    "memberIdSources",
    "Member id sources",
    "Tried in order: IN1-36, IN1-49, or PID-3:<type> (e.g. PID-3:MB).",
    ["IN1-36"],
  ],
];

/** Who made a change: the user's e-mail, or the file the listener read at its first start. */
export const actorText = (name, actor) =>
  name ?? (actor.startsWith("file:") ? `the listener's file ${actor.slice(5)}` : actor);

const listText = (values) => (values ?? []).join(", ");
const listOf = (text) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

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

/** Problems from the API as `{ path, message }`: the store's "mapping.timeZone: …" and zod's issues. */
export function problemsOf(err) {
  const details = err instanceof ApiError ? err.details : undefined;
  const fromStore = (details?.problems ?? []).map((p) => {
    const i = p.indexOf(": ");
    return i === -1 ? { path: "", message: p } : { path: p.slice(0, i), message: p.slice(i + 2) };
  });
  const fromSchema = (details?.issues ?? []).map((i) => ({ path: i.path, message: i.message }));
  return [...fromStore, ...fromSchema];
}

/**
 * The facility form: the mapping (checked by the API with the mappings file's schema; its problems
 * are shown at their fields), active or not, and the silent-feed alarm. Read-only unless `canEdit`.
 * `onSaved(saved, created)` after a save; `onRemove(facility)` when Remove is chosen.
 */
export function facilityForm({ facility, prefill, canEdit, onSaved, onRemove }) {
  function field(key, labelText, input, hint, wide = false) {
    input.id = input.id || `fac-${key.replace(/\W/g, "-")}`;
    const error = h("div", { class: "field-error", id: `${input.id}-error` });
    input.setAttribute("aria-describedby", `${input.id}-hint ${input.id}-error`);
    if (!canEdit) input.disabled = true;
    return h(
      "div",
      { class: wide ? "field field-wide" : "field", dataset: { key } },
      h("label", { for: input.id }, labelText),
      input,
      hint ? h("span", { class: "hint", id: `${input.id}-hint` }, hint) : null,
      error,
    );
  }

  const m = facility?.mapping ?? {};
  const w = facility?.watch ?? { interfaceContactEmail: null, silenceMinutes: null, expectedHours: null };
  const input = (name, value, props = {}) =>
    h("input", { id: `fac-${name}`, name, value: value ?? "", ...props });
  const zoneList = h(
    "datalist",
    { id: "fac-zones" },
    timeZones().map((z) => h("option", { value: z })),
  );
  const inputs = {
    sendingFacility: input("sendingFacility", m.sendingFacility ?? prefill ?? "", {
      required: true,
      autocomplete: "off",
    }),
    sendingApplication: input("sendingApplication", m.sendingApplication, { autocomplete: "off" }),
    allowedApplications: input("allowedApplications", listText(m.allowedApplications)),
    displayName: input("displayName", m.displayName),
    timeZone: input("timeZone", m.timeZone, {
      list: "fac-zones",
      required: true,
      placeholder: "America/Chicago",
    }),
    defaultCharset: h(
      "select",
      { id: "fac-defaultCharset" },
      CHARSETS.map(([v, t]) =>
        h("option", { value: v, selected: (m.defaultCharset ?? "UNICODE UTF-8") === v }, t),
      ),
    ),
    mrnAssigningAuthority: input("mrnAssigningAuthority", m.mrnAssigningAuthority),
    sensitiveFacility: h("input", {
      id: "fac-sensitiveFacility",
      type: "checkbox",
      checked: m.sensitiveFacility === true,
    }),
    active: h("input", { id: "fac-active", type: "checkbox", checked: facility ? facility.active : true }),
    contact: input("contact", w.interfaceContactEmail, { type: "email", autocomplete: "off" }),
    silence: input("silence", w.silenceMinutes ?? "", { type: "number", min: 5, max: 10080, step: 1 }),
    limited: h("input", { id: "fac-limited", type: "checkbox", checked: w.expectedHours !== null }),
    start: input("start", w.expectedHours?.start ?? "07:00", { type: "time" }),
    end: input("end", w.expectedHours?.end ?? "19:00", { type: "time" }),
  };
  const lists = Object.fromEntries(
    LISTS.map(([key, , , dflt]) => [key, input(key, listText(m[key] ?? dflt))]),
  );
  const dayBoxes = DAYS.map((_day, i) =>
    h("input", {
      type: "checkbox",
      id: `fac-day-${i}`,
      checked: (w.expectedHours?.days ?? [1, 2, 3, 4, 5]).includes(i),
    }),
  );
  if (!canEdit) for (const el of [...dayBoxes]) el.disabled = true;
  const hoursBox = h(
    "div",
    { class: "field field-wide", dataset: { key: "watch.expectedHours" } },
    h(
      "fieldset",
      { class: "day-picks" },
      h("legend", { class: "hint" }, "Expected on"),
      dayBoxes.map((box, i) => h("label", { class: "check", for: box.id }, box, DAYS[i])),
    ),
    h("div", { class: "field-error" }),
  );
  const syncHours = () => {
    const on = inputs.limited.checked;
    hoursBox.hidden = !on;
    inputs.start.closest(".field").hidden = !on;
    inputs.end.closest(".field").hidden = !on;
  };
  const problems = h("div");
  const saveButton = h(
    "button",
    { type: "submit", class: "primary" },
    facility ? "Save changes" : "Create facility",
  );
  const removeButton =
    facility && canEdit
      ? h("button", { type: "button", onclick: () => onRemove(facility) }, "Remove facility")
      : null;
  const formStatus = h("div", { class: "form-status", role: "status" });
  const form = h(
    "form",
    { class: "facility-form", novalidate: true, "aria-label": "Facility settings" },
    problems,
    h(
      "fieldset",
      {},
      h("legend", {}, "The feed"),
      field(
        "mapping.sendingFacility",
        "Sending facility (MSH-4)",
        inputs.sendingFacility,
        "As the hospital's engine sends it; codes are case-sensitive.",
      ),
      field("mapping.displayName", "Name people know it by", inputs.displayName, "Shown in alerts and here."),
      field(
        "mapping.timeZone",
        "Time zone",
        inputs.timeZone,
        "Applied to HL7 times sent without an offset (an IANA name).",
      ),
      field(
        "mapping.sendingApplication",
        "Only for sending application (MSH-3)",
        inputs.sendingApplication,
        "Leave empty for every application of this facility.",
      ),
      field(
        "mapping.allowedApplications",
        "Applications allowed to send",
        inputs.allowedApplications,
        "MSH-3 values, comma-separated; others are refused (AR 204). Empty: the listener's default.",
      ),
      field("mapping.defaultCharset", "Character set when MSH-18 is empty", inputs.defaultCharset),
      h(
        "div",
        { class: "field" },
        h(
          "label",
          { class: "check", for: inputs.active.id },
          inputs.active,
          "Active: accept this feed's messages",
        ),
      ),
      h(
        "div",
        { class: "field" },
        h(
          "label",
          { class: "check", for: inputs.sensitiveFacility.id },
          inputs.sensitiveFacility,
          "Sensitive facility (42 CFR Part 2, behavioral health)",
        ),
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Reading the messages"),
      LISTS.map(([key, labelText, hint]) =>
        field(`mapping.${key}`, labelText, lists[key], `${hint} Comma-separated.`),
      ),
      field(
        "mapping.mrnAssigningAuthority",
        "MRN assigning authority",
        inputs.mrnAssigningAuthority,
        "If set, the MRN repetition must also have this CX-4.",
      ),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Silent-feed alarm"),
      field(
        "watch.interfaceContactEmail",
        "Interface contact email",
        inputs.contact,
        "Told once by email when the feed goes silent.",
      ),
      field(
        "watch.silenceMinutes",
        "Alarm after this many minutes without a message",
        inputs.silence,
        "Empty: the feed is not watched. 5 to 10,080.",
      ),
      h(
        "div",
        { class: "field field-wide" },
        h(
          "label",
          { class: "check", for: inputs.limited.id },
          inputs.limited,
          "Only during set hours (in the facility's time zone)",
        ),
      ),
      hoursBox,
      field("watch.expectedHours.start", "From", inputs.start),
      field("watch.expectedHours.end", "Until", inputs.end),
    ),
    zoneList,
    canEdit ? h("div", { class: "form-actions toolbar" }, saveButton, removeButton, formStatus) : null,
  );
  if (!canEdit)
    for (const el of [inputs.active, inputs.sensitiveFacility, inputs.limited]) el.disabled = true;
  inputs.limited.addEventListener("change", syncHours);
  syncHours();

  function body() {
    const mapping = {
      sendingFacility: inputs.sendingFacility.value.trim(),
      timeZone: inputs.timeZone.value.trim(),
      defaultCharset: inputs.defaultCharset.value,
      sensitiveFacility: inputs.sensitiveFacility.checked,
    };
    const optional = {
      sendingApplication: inputs.sendingApplication.value.trim(),
      displayName: inputs.displayName.value.trim(),
      mrnAssigningAuthority: inputs.mrnAssigningAuthority.value.trim(),
    };
    for (const [k, v] of Object.entries(optional)) if (v !== "") mapping[k] = v;
    const allowed = listOf(inputs.allowedApplications.value);
    if (allowed.length > 0) mapping.allowedApplications = allowed;
    for (const [key] of LISTS) mapping[key] = listOf(lists[key].value);
    const silence = inputs.silence.value.trim();
    const watch = {
      interfaceContactEmail: inputs.contact.value.trim() || null,
      silenceMinutes: silence === "" ? null : Number(silence),
      expectedHours: inputs.limited.checked
        ? {
            days: dayBoxes.flatMap((b, i) => (b.checked ? [i] : [])),
            start: inputs.start.value,
            end: inputs.end.value,
          }
        : null,
    };
    return { mapping, active: inputs.active.checked, watch };
  }

  function showProblems(list) {
    for (const el of form.querySelectorAll(".field.has-error")) el.classList.remove("has-error");
    for (const el of form.querySelectorAll(".field-error")) el.textContent = "";
    const unplaced = [];
    for (const p of list) {
      // "mapping.memberIdSources[0]" belongs to the memberIdSources field.
      const key = p.path.replace(/\[\d+\]$/, "").replace(/\.\d+$/, "");
      const target = [...form.querySelectorAll(".field[data-key]")].find((f) => f.dataset.key === key);
      if (target) {
        target.classList.add("has-error");
        target.querySelector(".field-error").textContent = p.message;
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
            unplaced.map((p) => h("li", {}, p.path ? `${p.path}: ${p.message}` : p.message)),
          ),
    );
    form.querySelector(".field.has-error input, .field.has-error select")?.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    saveButton.disabled = true;
    replace(formStatus, "Saving…");
    try {
      const saved = facility
        ? await api(`/api/admin/facilities/${facility.id}`, {
            method: "PUT",
            body: { ...body(), version: facility.version },
          })
        : await api("/api/admin/facilities", { method: "POST", body: body() });
      showProblems([]);
      onSaved(saved, facility === undefined);
    } catch (err) {
      const list = problemsOf(err);
      if (list.length > 0) showProblems(list);
      else if (err instanceof ApiError && err.status === 409 && err.details?.current)
        showProblems([
          {
            path: "",
            message:
              "Someone changed this facility since you opened it. Reload it and make your change again.",
          },
        ]);
      else showProblems([{ path: "", message: messageOf(err, "The facility could not be saved.") }]);
    } finally {
      saveButton.disabled = false;
      replace(formStatus);
    }
  });
  return form;
}

/** A facility's changes, newest first: who, when, and what changed (mapping fields, state, alarm). */
export function facilityHistory(items) {
  const changes = (e) => {
    if (!e.before || !e.after) return [];
    const out = [];
    const keys = new Set([...Object.keys(e.before.mapping ?? {}), ...Object.keys(e.after.mapping ?? {})]);
    for (const k of keys) {
      const a = JSON.stringify(e.before.mapping?.[k] ?? null);
      const b = JSON.stringify(e.after.mapping?.[k] ?? null);
      if (a !== b) out.push(`${k}: ${a} → ${b}`);
    }
    if (e.before.active !== e.after.active) out.push(e.after.active ? "turned on" : "turned off");
    if (JSON.stringify(e.before.watch) !== JSON.stringify(e.after.watch))
      out.push(`silent-feed alarm: ${watchText(e.before.watch)} → ${watchText(e.after.watch)}`);
    return out;
  };
  const words = {
    created: "Created",
    updated: "Changed",
    deleted: "Removed",
    imported: "Imported from a file",
    seeded: "Read from the listener's file at first start",
  };
  return h(
    "section",
    { class: "card", "aria-labelledby": "facility-history-heading" },
    h("h2", { id: "facility-history-heading" }, "History"),
    items.length === 0
      ? h("p", { class: "muted" }, "No changes yet.")
      : h(
          "ol",
          { class: "history-list" },
          items.map((e) => {
            const list = changes(e);
            return h(
              "li",
              {},
              h("strong", {}, words[e.action] ?? e.action),
              ` ${at(e.at)} by ${actorText(e.actorName, e.actor)}`,
              list.length > 0
                ? h(
                    "ul",
                    { class: "changes" },
                    list.map((c) => h("li", {}, c)),
                  )
                : null,
            );
          }),
        ),
  );
}
