// The care manager's inbox: overdue, due today, upcoming, completed — each a tab with a count.
import { api, query } from "./api.js";
import { h, notice, replace, table } from "./dom.js";
import {
  EVENT_KINDS,
  formatDueIn,
  formatInZone,
  isOpen,
  label,
  OUTCOMES,
  overdueBy,
  updatedAt,
} from "./format.js";
import { messageOf, statusBadges } from "./task-drawer.js";
import { listOf, readTask } from "./task-model.js";

const TABS = [
  { id: "overdue", label: "Overdue", params: { due: "overdue" }, empty: "Nothing overdue." },
  { id: "today", label: "Due today", params: { due: "today" }, empty: "Nothing else is due today." },
  { id: "upcoming", label: "Upcoming", params: { due: "upcoming" }, empty: "Nothing coming up." },
  { id: "completed", label: "Completed", params: { status: "completed" }, empty: "No completed tasks yet." },
];

/**
 * Builds the inbox view. `session.role` decides the scope: a care manager sees the tasks assigned to
 * them, admins see their practices' tasks. `drawer.open(id)` shows a task.
 */
export function createInbox({ session, drawer }) {
  const mine = session.role === "care_manager";
  const heading = h("h1", { tabindex: -1 }, mine ? "My tasks" : "Tasks");
  const updated = h("span", { class: "muted", role: "status" });
  const refreshButton = h("button", { type: "button", onclick: () => refresh() }, "Refresh");
  const tabButtons = new Map();
  const counts = new Map();
  const lists = new Map();
  const panel = h("div", { id: "inbox-panel", role: "tabpanel", class: "panel" });
  const tablist = h("div", { role: "tablist", "aria-label": "Task lists", class: "tabs" });
  let selected = null;
  let loadSeq = 0;
  // Open tasks of the last load: what a reload finds beyond them is new (the tab title counts it).
  let seenIds = null;

  for (const tab of TABS) {
    const count = h("span", { class: "tab-count" });
    counts.set(tab.id, count);
    const button = h(
      "button",
      {
        type: "button",
        role: "tab",
        id: `tab-${tab.id}`,
        class: `tab tab-${tab.id}`,
        "aria-controls": "inbox-panel",
        "aria-selected": "false",
        tabindex: -1,
        onclick: () => select(tab.id, true),
      },
      tab.label,
      count,
    );
    tabButtons.set(tab.id, button);
    tablist.append(button);
  }
  tablist.addEventListener("keydown", (event) => {
    const order = TABS.map((t) => t.id);
    const at = order.indexOf(selected);
    const next =
      event.key === "ArrowRight"
        ? order[(at + 1) % order.length]
        : event.key === "ArrowLeft"
          ? order[(at - 1 + order.length) % order.length]
          : event.key === "Home"
            ? order[0]
            : event.key === "End"
              ? order[order.length - 1]
              : null;
    if (next) {
      event.preventDefault();
      select(next, true);
      tabButtons.get(next).focus();
    }
  });

  const view = h(
    "section",
    { class: "view inbox", "aria-labelledby": "inbox-heading" },
    h("div", { class: "view-header" }, heading, h("div", { class: "toolbar" }, updated, refreshButton)),
    tablist,
    panel,
  );
  heading.id = "inbox-heading";

  function select(id, byUser) {
    selected = id;
    for (const [tabId, button] of tabButtons) {
      button.setAttribute("aria-selected", String(tabId === id));
      button.tabIndex = tabId === id ? 0 : -1;
    }
    panel.setAttribute("aria-labelledby", `tab-${id}`);
    renderPanel();
    if (byUser) sessionStorage.setItem("homeward.inbox-tab", id);
  }

  function renderPanel() {
    const tab = TABS.find((t) => t.id === selected);
    const state = lists.get(selected);
    if (!state) return replace(panel, notice("Loading tasks…"));
    if (state.error) return replace(panel, notice(state.error, "error"));
    if (state.tasks.length === 0) return replace(panel, h("p", { class: "empty" }, tab.empty));
    replace(panel, taskTable(tab, state.tasks));
  }

  function taskTable(tab, tasks) {
    const completed = tab.id === "completed";
    const columns = [
      { label: completed ? "Completed" : "Due" },
      { label: "Patient" },
      { label: "Task" },
      { label: "Event" },
      { label: "Program" },
      { label: completed ? "Outcome" : "Status" },
      { label: "", className: "actions-col" },
    ];
    const rows = tasks.map((task) => {
      const late = isOpen(task) ? overdueBy(task.dueAt) : "";
      const open = h(
        "button",
        { type: "button", class: "small", onclick: () => drawer.open(task.id) },
        "Open",
      );
      const row = h(
        "tr",
        { class: late ? "is-overdue" : undefined },
        h(
          "td",
          { class: "nowrap" },
          completed
            ? formatInZone(task.completedAt, task.practiceTimeZone)
            : formatDueIn(task.dueAt, task.practiceTimeZone),
          late ? h("div", { class: "overdue-text" }, late) : null,
        ),
        h("td", {}, h("strong", {}, task.patientName)),
        h("td", {}, task.title),
        h(
          "td",
          {},
          // A periodic review has no event: it counts from going on the list or the last review.
          task.facility ? label(EVENT_KINDS, task.eventKind) || "—" : "Periodic review",
          h(
            "div",
            { class: "muted" },
            [task.facility, formatInZone(task.triggeredAt, task.facilityTimeZone)]
              .filter(Boolean)
              .join(" · "),
          ),
        ),
        h(
          "td",
          {},
          [task.program, task.tier ? `Priority ${task.tier}` : ""].filter(Boolean).join(" · ") || "—",
        ),
        h("td", {}, completed ? label(OUTCOMES, task.outcome) || "—" : statusBadges(task, { long: false })),
        h("td", { class: "actions-col" }, open),
      );
      // The whole row opens the task for mouse users; the button is the keyboard and screen-reader way.
      row.addEventListener("click", (event) => {
        if (!(event.target instanceof HTMLButtonElement)) drawer.open(task.id);
      });
      return row;
    });
    return table({ label: `${tab.label} tasks`, columns, rows, className: "data-table task-table" });
  }

  /** Reloads every list; answers how many open tasks are new since the last load. */
  async function refresh() {
    const seq = ++loadSeq;
    refreshButton.disabled = true;
    const results = await Promise.all(
      TABS.map(async (tab) => {
        try {
          const body = await api(
            `/api/tasks${query({ ...tab.params, ...(mine ? { assignee: "me" } : {}) })}`,
          );
          let tasks = listOf(body).map(readTask);
          if (tab.id === "completed") {
            tasks = tasks.filter((t) => t.status === "completed");
            tasks.sort((a, b) => String(b.completedAt).localeCompare(String(a.completedAt)));
          } else {
            tasks = tasks.filter(isOpen);
            tasks.sort((a, b) => String(a.dueAt).localeCompare(String(b.dueAt)));
          }
          return [tab.id, { tasks }];
        } catch (error) {
          return [tab.id, { tasks: [], error: messageOf(error, "Tasks could not be loaded.") }];
        }
      }),
    );
    if (seq !== loadSeq) return 0;
    refreshButton.disabled = false;
    const openIds = results.flatMap(([id, state]) =>
      id === "completed" ? [] : state.tasks.map((t) => t.id),
    );
    const fresh = seenIds === null ? 0 : openIds.filter((id) => !seenIds.has(id)).length;
    seenIds = new Set(openIds);
    for (const [id, state] of results) {
      lists.set(id, state);
      const n = state.error ? "!" : String(state.tasks.length);
      counts.get(id).textContent = id === "completed" ? "" : n;
      counts.get(id).hidden = id === "completed";
      counts.get(id).toggleAttribute("data-zero", n === "0");
    }
    updated.textContent = updatedAt();
    if (selected === null) {
      const remembered = sessionStorage.getItem("homeward.inbox-tab");
      const overdue = lists.get("overdue")?.tasks.length ?? 0;
      select(overdue > 0 ? "overdue" : TABS.some((t) => t.id === remembered) ? remembered : "today", false);
    } else {
      renderPanel();
    }
    return fresh;
  }

  // Back to a tab left open: the lists may have moved (new alerts, the sweeper, a colleague).
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && view.isConnected) refresh();
  });

  return {
    element: view,
    heading,
    /** Loads (or reloads) every list. */
    refresh,
  };
}
