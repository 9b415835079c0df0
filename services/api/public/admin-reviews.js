// The review queue (system admins): possible matches the matcher held back rather than risk a
// wrong-practice alert. The incoming message's values beside each candidate's, field by field, with
// the agreement the matcher saw, its score and the rules that fired. Confirm (teaches the message's
// identifiers to the patient, so the hospital's next message matches at once) or reject. Built for
// a queue of hundreds: j/k move, 1–5 choose a candidate, c confirm, r reject (each pressed twice).
import { adminFrame, isTyping, kbd, when } from "./admin-common.js";
import { api, query } from "./api.js";
import { h, notice, replace } from "./dom.js";
import { EVENT_KINDS, formatCount, formatDate, label } from "./format.js";
import { messageOf } from "./task-drawer.js";

const PAGE = 100;

/** Why the matcher held the event, as a reviewer reads it. */
const REASONS = {
  "identifier-contradicted":
    "An identifier matched, but the name, birth date or sex say it is someone else (a reused or mistyped number).",
  "identifier-conflict": "The message's identifiers name different patients.",
  ambiguous: "Two or more patients score too close together to tell apart.",
  "between-thresholds": "The best score is too low to match automatically and too high to ignore.",
  vetoed: "A safety rule stops an automatic match on the score (see the rules that fired).",
  review: "Held for a person to decide.",
};

const FIELDS = {
  family: "Family name",
  given: "Given name",
  middle: "Middle name",
  suffix: "Suffix",
  birthDate: "Birth date",
  sex: "Sex",
  postalCode: "Postal code",
  phone: "Phone",
};

/** An agreement level in words, and how it reads: good, near (a typo?), bad, or none (missing). */
const LEVELS = {
  exact: ["same", "good"],
  agree: ["same", "good"],
  nickname: ["nickname", "good"],
  compound: ["part of the name", "near"],
  close: ["close: typo?", "near"],
  similar: ["similar", "near"],
  initial: ["initial only", "near"],
  transposed: ["day and month swapped", "near"],
  "off-by-one": ["one digit or day off", "near"],
  partial: ["partly", "near"],
  disagree: ["differs", "bad"],
  missing: ["missing on one side", "none"],
};

/** What confirming a candidate does with each of the message's identifiers. */
const IDENTIFIER_STATUS = {
  same: ["already theirs", "good"],
  new: ["confirming adds it", "near"],
  "other-value": ["confirming adds it beside their own", "near"],
  "held-by-other": ["another patient's: stays theirs", "bad"],
  "no-authority": ["no authority or type: never taught", "none"],
};

const STATUSES = { pending: "Pending", confirmed: "Confirmed", rejected: "Rejected" };

const identifierText = (i) =>
  [i.assigningAuthority, i.typeCode, i.value]
    .filter((p) => p !== null && p !== undefined && p !== "")
    .join(" ");
const signed = (n) => (n > 0 ? `+${n.toFixed(1)}` : n < 0 ? `−${Math.abs(n).toFixed(1)}` : "0");
const eventWords = (review) =>
  `${review.eventKind ? label(EVENT_KINDS, review.eventKind) : "Event"} at ${review.facility}`;

function levelChip(level, weight) {
  const [words, tone] = LEVELS[level] ?? [level, "none"];
  return h(
    "span",
    { class: `level level-${tone}`, title: `${level}, weight ${signed(weight)}` },
    words,
    weight === 0 ? null : h("span", { class: "level-weight" }, ` ${signed(weight)}`),
  );
}

/** "1958-04-12" → "Apr 12, 1958 (1958-04-12)": both readings, so a swapped day and month shows. */
const birthDateText = (value) => (value ? `${formatDate(value)} (${value})` : null);
const fieldValue = (field, value) => (field === "birthDate" ? birthDateText(value) : value);
const missing = () => h("span", { class: "muted" }, "—");

export function createReviewQueue({ session, path, built }) {
  const statusSelect = h(
    "select",
    { id: "reviews-status", "aria-label": "Show reviews" },
    Object.entries(STATUSES).map(([value, text]) => h("option", { value }, text)),
  );
  const refreshButton = h("button", { type: "button", onclick: () => load() }, "Refresh");
  const frame = adminFrame({
    id: "admin-reviews",
    title: "Review queue",
    subtitle:
      "Events the matcher would not match on its own: a wrong match would alert another practice about this patient. Compare, then confirm the right patient or reject.",
    session,
    path,
    built,
    toolbar: [h("label", { for: "reviews-status" }, "Show"), statusSelect, refreshButton],
  });
  const hints = h(
    "p",
    { class: "kbd-hints", id: "reviews-keys" },
    "Keys: ",
    kbd("j"),
    " / ",
    kbd("k"),
    " next / previous · ",
    kbd("1"),
    "–",
    kbd("5"),
    " choose a candidate · ",
    kbd("c"),
    " confirm · ",
    kbd("r"),
    " reject (press twice; ",
    kbd("Enter"),
    " also completes) · ",
    kbd("Esc"),
    " cancel",
  );
  const count = h("p", { class: "review-count", role: "status" });
  const list = h("ol", { class: "review-list", "aria-label": "Reviews" });
  const more = h("div", { class: "review-more" });
  const detail = h("div", { class: "review-detail", role: "region", "aria-label": "Selected review" });
  const outcome = h("div", { class: "review-outcome", role: "status" });
  replace(
    frame.body,
    hints,
    outcome,
    h("div", { class: "review-layout" }, h("div", { class: "review-side" }, count, list, more), detail),
  );

  let status = "pending";
  let items = [];
  let total = 0;
  let index = 0;
  /** The chosen candidate per event id (the top one until another is chosen). */
  const chosen = new Map();
  /** A decision waiting for its second key press: { kind: "confirm" | "reject", eventId }. */
  let armed = null;
  let busy = false;
  let loadSeq = 0;

  const current = () => items[index];
  const candidateIndex = (review) => Math.min(chosen.get(review.eventId) ?? 0, review.candidates.length - 1);

  statusSelect.addEventListener("change", () => {
    status = statusSelect.value;
    history.replaceState(null, "", status === "pending" ? path : `${path}${query({ status })}`);
    load();
  });

  async function load() {
    const seq = ++loadSeq;
    refreshButton.disabled = true;
    armed = null;
    try {
      const body = await api(`/api/admin/reviews${query({ status, limit: PAGE, offset: 0 })}`);
      if (seq !== loadSeq) return;
      items = body.items;
      total = body.total;
      index = 0;
      render();
    } catch (error) {
      if (seq === loadSeq)
        replace(detail, notice(messageOf(error, "The review queue could not be loaded."), "error"));
    } finally {
      if (seq === loadSeq) refreshButton.disabled = false;
    }
  }

  /** The next page of the queue, appended (decided reviews leave the pending list, so the offset is what is shown). */
  async function loadMore() {
    const body = await api(`/api/admin/reviews${query({ status, limit: PAGE, offset: items.length })}`);
    const known = new Set(items.map((r) => r.eventId));
    items = items.concat(body.items.filter((r) => !known.has(r.eventId)));
    total = body.total;
    render();
  }

  function render() {
    count.textContent =
      status === "pending"
        ? total === 0
          ? "Nothing to review."
          : `${formatCount(total)} waiting, oldest first · showing ${formatCount(items.length)}`
        : `${formatCount(total)} ${STATUSES[status].toLowerCase()}, newest first`;
    replace(
      list,
      items.map((review, i) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "review-item",
              "aria-current": i === index ? "true" : undefined,
              dataset: { eventId: review.eventId },
              onclick: () => select(i),
            },
            h("span", { class: "review-item-what" }, eventWords(review)),
            h(
              "span",
              { class: "review-item-meta muted" },
              `${when(review.eventOccurredAt ?? review.createdAt)} · ${review.candidates.length} candidate${review.candidates.length === 1 ? "" : "s"}`,
            ),
            h(
              "span",
              { class: "review-item-meta muted" },
              review.candidates[0] ? `best score ${review.candidates[0].score.toFixed(1)}` : "no candidate",
            ),
          ),
        ),
      ),
    );
    replace(
      more,
      items.length < total
        ? h(
            "button",
            { type: "button", class: "small", onclick: () => loadMore() },
            `Load ${formatCount(Math.min(PAGE, total - items.length))} more`,
          )
        : null,
    );
    renderDetail();
  }

  function select(i, focus = true) {
    if (i < 0 || i >= items.length) return;
    index = i;
    armed = null;
    for (const button of list.querySelectorAll(".review-item")) {
      if (button.dataset.eventId === current().eventId) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
    const button = list.querySelector(".review-item[aria-current]");
    if (button) {
      button.scrollIntoView({ block: "nearest" });
      if (focus) button.focus({ preventScroll: true });
    }
    renderDetail();
  }

  function renderDetail() {
    const review = current();
    if (!review) {
      replace(
        detail,
        h(
          "p",
          { class: "empty" },
          status === "pending" ? "The queue is empty: every held event has been decided." : "None yet.",
        ),
      );
      return;
    }
    const chosenIndex = candidateIndex(review);
    const candidates = review.candidates;
    const columns = candidates.map((c, i) => {
      const isChosen = status === "pending" ? i === chosenIndex : c.patientId === review.decidedPatientId;
      return { c, i, isChosen };
    });
    const headCell = ({ c, i, isChosen }) =>
      h(
        "th",
        { scope: "col", class: isChosen ? "candidate-col is-chosen" : "candidate-col" },
        h("span", { class: "candidate-number" }, `Candidate ${i + 1}`),
        h("span", { class: "candidate-name" }, c.displayName),
        h("span", { class: "candidate-score" }, `Score ${c.score.toFixed(1)}`),
        status === "pending"
          ? h(
              "button",
              {
                type: "button",
                class: "small",
                "aria-pressed": String(isChosen),
                onclick: () => choose(i),
              },
              isChosen ? `Chosen (${i + 1})` : `Choose (${i + 1})`,
            )
          : isChosen
            ? h("span", { class: "badge badge-completed" }, "Confirmed as this patient")
            : null,
      );
    const fieldRows = Object.entries(FIELDS).map(([field, text]) => {
      const incoming = candidates[0]?.fields.find((f) => f.field === field)?.incoming ?? null;
      return h(
        "tr",
        {},
        h("th", { scope: "row" }, text),
        h("td", { class: "incoming-col" }, fieldValue(field, incoming) ?? missing()),
        columns.map(({ c, isChosen }) => {
          const f = c.fields.find((x) => x.field === field);
          return h(
            "td",
            { class: isChosen ? "candidate-col is-chosen" : "candidate-col" },
            h("span", { class: "compare-value" }, fieldValue(field, f?.candidate ?? null) ?? missing()),
            f ? levelChip(f.level, f.weight) : null,
          );
        }),
      );
    });
    const identifierRow = h(
      "tr",
      {},
      h("th", { scope: "row" }, "Identifiers"),
      h(
        "td",
        { class: "incoming-col" },
        review.eventPatient?.identifiers.length
          ? h(
              "ul",
              { class: "plain-list compact" },
              review.eventPatient.identifiers.map((i) => h("li", {}, identifierText(i))),
            )
          : missing(),
      ),
      columns.map(({ c, isChosen }) =>
        h(
          "td",
          { class: isChosen ? "candidate-col is-chosen" : "candidate-col" },
          h("span", { class: "compare-label" }, "On file"),
          c.identifiers.length
            ? h(
                "ul",
                { class: "plain-list compact", "aria-label": "On file" },
                c.identifiers.map((i) => h("li", {}, identifierText(i))),
              )
            : h("span", { class: "muted" }, "None"),
          c.identifierComparison.length
            ? h("span", { class: "compare-label" }, "The message's, if confirmed")
            : null,
          c.identifierComparison.length
            ? h(
                "ul",
                {
                  class: "plain-list compact identifier-outcomes",
                  "aria-label": "The message's identifiers",
                },
                c.identifierComparison.map((i) => {
                  const [words, tone] = IDENTIFIER_STATUS[i.status] ?? [i.status, "none"];
                  return h(
                    "li",
                    {},
                    `${identifierText(i)}: `,
                    h("span", { class: `level level-${tone}` }, words),
                  );
                }),
              )
            : null,
        ),
      ),
    );
    const listsRow = h(
      "tr",
      {},
      h("th", { scope: "row" }, "On the lists of"),
      h("td", { class: "incoming-col" }, missing()),
      columns.map(({ c, isChosen }) =>
        h(
          "td",
          { class: isChosen ? "candidate-col is-chosen" : "candidate-col" },
          c.organizations.length
            ? c.organizations.join(", ")
            : h("span", { class: "muted" }, "No open roster or list"),
        ),
      ),
    );
    const rulesRow = h(
      "tr",
      { class: "rules-row" },
      h("th", { scope: "row" }, "Rules that fired"),
      h("td", { class: "incoming-col" }, ""),
      columns.map(({ c, isChosen }) =>
        h(
          "td",
          { class: isChosen ? "candidate-col is-chosen" : "candidate-col" },
          c.notes.length
            ? h(
                "ul",
                { class: "plain-list compact" },
                c.notes.map((n) => h("li", {}, n)),
              )
            : h("span", { class: "muted" }, "None"),
        ),
      ),
    );
    const table = h(
      "table",
      { class: "data-table compare-table", "aria-label": "The message beside each candidate" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", class: "field-col" }, "Field"),
          h(
            "th",
            { scope: "col", class: "incoming-col" },
            "Incoming message",
            h("span", { class: "candidate-name" }, review.eventPatient?.displayName ?? "Not stored"),
          ),
          columns.map(headCell),
        ),
      ),
      h("tbody", {}, fieldRows, identifierRow, listsRow, rulesRow),
    );
    const chosenCandidate = candidates[chosenIndex];
    const decided =
      status === "pending"
        ? null
        : h(
            "p",
            { class: "notice" },
            review.status === "confirmed"
              ? `Confirmed as ${candidates.find((c) => c.patientId === review.decidedPatientId)?.displayName ?? "a candidate"}`
              : "Rejected: none of the candidates",
            ` by ${review.decidedByName ?? review.decidedBy ?? "someone"}, ${when(review.decidedAt)}.`,
          );
    replace(
      detail,
      h(
        "div",
        { class: "review-head" },
        h("h2", {}, eventWords(review)),
        h(
          "p",
          { class: "muted" },
          `Happened ${when(review.eventOccurredAt)} · held ${when(review.createdAt)} · event ${review.eventId}`,
        ),
        h(
          "p",
          { class: "review-reason" },
          h("strong", {}, "Why it is here: "),
          REASONS[review.reason] ?? review.reason,
        ),
      ),
      decided,
      h("div", { class: "table-box" }, table),
      status === "pending" && chosenCandidate ? actions(review, chosenCandidate) : null,
    );
  }

  function actions(review, candidate) {
    const teaches = candidate.identifierComparison.filter(
      (i) => i.status === "new" || i.status === "other-value",
    );
    const confirmButton = h(
      "button",
      {
        type: "button",
        class: "primary",
        "aria-keyshortcuts": "c",
        disabled: busy,
        onclick: () => press("confirm"),
      },
      armed?.kind === "confirm"
        ? `Yes, confirm ${candidate.displayName}`
        : `Confirm: it is ${candidate.displayName}`,
      h("span", { class: "key-hint" }, "c"),
    );
    const rejectButton = h(
      "button",
      { type: "button", "aria-keyshortcuts": "r", disabled: busy, onclick: () => press("reject") },
      armed?.kind === "reject" ? "Yes, reject" : "Reject: none of these",
      h("span", { class: "key-hint" }, "r"),
    );
    const prompt =
      armed?.kind === "confirm"
        ? notice(
            `Press c again (or Enter) to confirm that this ${eventWords(review)} is ${candidate.displayName}'s. ${
              teaches.length > 0
                ? `Their record gains ${teaches.map(identifierText).join(", ")}, so the hospital's next message matches at once.`
                : "No identifier is added."
            } Esc cancels.`,
          )
        : armed?.kind === "reject"
          ? notice(
              "Press r again (or Enter) to reject: the event stays unmatched and nobody is alerted. Esc cancels.",
            )
          : null;
    return h(
      "div",
      { class: "review-actions" },
      h("div", { class: "actions" }, confirmButton, rejectButton),
      prompt,
      h(
        "p",
        { class: "hint" },
        teaches.length > 0
          ? `Confirming teaches ${teaches.map(identifierText).join(", ")} to ${candidate.displayName}.`
          : "Confirming teaches no new identifier.",
      ),
    );
  }

  function choose(i) {
    const review = current();
    if (!review || status !== "pending" || i >= review.candidates.length) return;
    chosen.set(review.eventId, i);
    armed = null;
    renderDetail();
  }

  /** The first press of c or r arms the decision; the second (or Enter) makes it. */
  function press(kind) {
    const review = current();
    if (!review || status !== "pending" || busy) return;
    if (armed?.kind === kind && armed.eventId === review.eventId) {
      decide(review, kind);
      return;
    }
    armed = { kind, eventId: review.eventId };
    renderDetail();
  }

  async function decide(review, kind) {
    const candidate = review.candidates[candidateIndex(review)];
    busy = true;
    armed = null;
    renderDetail();
    try {
      const result = await api(`/api/admin/reviews/${encodeURIComponent(review.eventId)}/${kind}`, {
        method: "POST",
        ...(kind === "confirm" ? { body: { patientId: candidate.patientId } } : {}),
      });
      replace(
        outcome,
        notice(
          kind === "confirm"
            ? `Confirmed: ${eventWords(review)} is ${candidate.displayName}'s. ${result.identifiersAdded} identifier${result.identifiersAdded === 1 ? "" : "s"} added${result.identifiersHeldByOthers ? `; ${result.identifiersHeldByOthers} already another patient's, left there` : ""}.`
            : `Rejected: ${eventWords(review)} stays unmatched.`,
        ),
      );
      items = items.filter((r) => r.eventId !== review.eventId);
      total = Math.max(0, total - 1);
      if (index >= items.length) index = Math.max(0, items.length - 1);
      busy = false;
      render();
      select(index);
      if (items.length < 20 && items.length < total) loadMore();
    } catch (error) {
      busy = false;
      replace(outcome, notice(messageOf(error, "That decision was not saved. Try again."), "error"));
      if (error?.status === 409) load();
      else renderDetail();
    }
  }

  document.addEventListener("keydown", (event) => {
    if (!frame.element.isConnected || isTyping(event)) return;
    const key = event.key;
    if (key === "j") select(index + 1);
    else if (key === "k") select(index - 1);
    else if (/^[1-5]$/.test(key)) choose(Number(key) - 1);
    else if (key === "c") press("confirm");
    else if (key === "r") press("reject");
    else if (key === "Enter" && armed) {
      const review = current();
      if (review && armed.eventId === review.eventId) decide(review, armed.kind);
    } else if (key === "Escape" && armed) {
      armed = null;
      renderDetail();
    } else return;
    event.preventDefault();
  });

  return {
    element: frame.element,
    heading: frame.heading,
    show() {
      const wanted = new URLSearchParams(location.search).get("status");
      status = wanted in STATUSES ? wanted : "pending";
      statusSelect.value = status;
      load();
      return "Review queue";
    },
  };
}
