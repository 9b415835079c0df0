// Homeward dashboard: sign-in, a role-aware top bar, the care manager's inbox and the quality page.
// Plain ES modules, no build step. Routes are paths (/tasks, /tasks/:id, /quality) so the links in
// alert emails land here; none of them carries patient data, and neither does the page title.
import { showInvitation, showPasswordChange } from "./account.js";
import { ADMIN_SCREENS } from "./admin-screens.js";
import { createAgenda } from "./agenda.js";
import { ApiError, api, clearToken, decodeToken, getToken, isExpired, setToken } from "./api.js";
import { createCaseload } from "./caseload.js";
import { createCensus } from "./census.js";
import { h, notice, replace } from "./dom.js";
import { createEventPage } from "./event.js";
import { createFacilities } from "./facilities.js";
import { createFeedExceptions } from "./feed-exceptions.js";
import { createFeeds } from "./feeds.js";
import { label, ROLES } from "./format.js";
import { createHighRiskList } from "./high-risk.js";
import { createInbox } from "./inbox.js";
import { createLive } from "./live.js";
import { createPatientPage } from "./patient.js";
import { createProgramReports } from "./program-reports.js";
import { createQuality } from "./quality.js";
import { createTaskDrawer } from "./task-drawer.js";

const EMAIL_KEY = "homeward.email";
const main = document.getElementById("main");
const nav = document.getElementById("nav");
const userBox = document.getElementById("user");

const CARE = ["care_manager", "practice_admin", "system_admin"];
const REPORTS = ["practice_admin", "quality", "system_admin"];
const SUPERVISORS = ["practice_admin", "system_admin"];
/** Who runs the hospital feeds (feeds-common.js says the same). */
const FEEDS = ["system_admin", "interface_analyst"];

/**
 * A detail page (an event, a patient) reloads while it is on screen when an alert or a task of the
 * user's organizations changes, as the census and the inbox do: a task opened or closed by a
 * colleague, a discharge announced, shows without a reload.
 */
function followingChanges(page, live) {
  live.onWorkspaceChange(() => {
    if (page.element.isConnected) page.refresh();
  });
  return page;
}

/**
 * Every screen: its address pattern (capture groups become `params`), the roles that may open it,
 * its entry in the top bar (`nav`, in this order; a role lands on its first one), and how it is
 * built once per session (`create(context)` answers `{ element, heading, show(params) }`, where
 * `show` loads what the address names and answers the page title). Screens reached only by link
 * (an event, a patient) have no `nav`.
 */
const SCREENS = [
  {
    // The care manager's first screen in the morning: who is in the hospital, who was discharged
    // and not yet reached.
    id: "census",
    pattern: /^\/census$/,
    roles: CARE,
    nav: { path: "/census", label: () => "Census" },
    create: ({ session, live }) => createCensus({ session, live }),
  },
  {
    id: "tasks",
    pattern: /^\/tasks(?:\/([^/]+))?$/,
    roles: CARE,
    nav: { path: "/tasks", label: (role) => (role === "care_manager" ? "My tasks" : "Tasks") },
    create: ({ session, drawer, live }) => {
      const inbox = createInbox({ session, drawer });
      // A new alert or a task change of the user's organizations: reload while on screen.
      live.onWorkspaceChange(async () => {
        if (inbox.element.isConnected) live.noteNew(await inbox.refresh());
      });
      return {
        element: inbox.element,
        heading: inbox.heading,
        refresh: () => inbox.refresh(),
        show([taskId]) {
          inbox.refresh();
          if (taskId) drawer.open(decodeURIComponent(taskId));
          return session.role === "care_manager" ? "My tasks" : "Tasks";
        },
      };
    },
  },
  {
    // Where an alert's link lands: who, where and why, the care team, the follow-up.
    id: "event",
    pattern: /^\/events\/([^/]+)$/,
    roles: CARE,
    create: ({ drawer, live }) => followingChanges(createEventPage({ drawer }), live),
  },
  {
    id: "patient",
    pattern: /^\/patients\/([^/]+)$/,
    roles: CARE,
    create: ({ drawer, live }) => followingChanges(createPatientPage({ drawer }), live),
  },
  {
    id: "quality",
    pattern: /^\/quality$/,
    roles: REPORTS,
    nav: { path: "/quality", label: () => "Quality" },
    create: ({ session, drawer }) => {
      const quality = createQuality({ drawer, canOpenTasks: session.role !== "quality" });
      return {
        element: quality.element,
        heading: quality.heading,
        reload: () => quality.reload(),
        show() {
          quality.refresh();
          return "Quality";
        },
      };
    },
  },
  {
    // Utilization per 1,000 enrolled, readmissions, frequent ED patients, care-manager activity,
    // alert timeliness by facility.
    id: "program-reports",
    pattern: /^\/quality\/programs$/,
    roles: REPORTS,
    nav: { path: "/quality/programs", label: () => "Program reports" },
    create: ({ session }) => createProgramReports({ canOpenPatients: CARE.includes(session.role) }),
  },
  {
    // The combined plan + practice high-risk list, and the agenda of the plan–practice call.
    id: "high-risk",
    pattern: /^\/high-risk$/,
    roles: CARE,
    nav: { path: "/high-risk", label: () => "High-risk list" },
    create: () => createHighRiskList(),
  },
  {
    id: "agenda",
    pattern: /^\/high-risk\/agenda$/,
    roles: CARE,
    create: () => createAgenda(),
  },
  {
    id: "caseload",
    pattern: /^\/caseload$/,
    roles: SUPERVISORS,
    nav: { path: "/caseload", label: () => "Caseload" },
    create: () => createCaseload(),
  },
  // Admin: organizations, users, recipients and rules, uploads, the review queue, the access log.
  ...ADMIN_SCREENS,
  {
    // Hospital feeds: live, silent or failing; refused and unmatched messages; facility settings.
    id: "feeds",
    pattern: /^\/admin\/feeds$/,
    roles: FEEDS,
    nav: { path: "/admin/feeds", label: () => "Feeds" },
    create: ({ session }) => createFeeds({ session }),
  },
  {
    id: "feed-exceptions",
    pattern: /^\/admin\/feeds\/exceptions$/,
    roles: FEEDS,
    create: ({ session }) => createFeedExceptions({ session }),
  },
  {
    id: "facilities",
    pattern: /^\/admin\/feeds\/facilities(?:\/([^/]+))?$/,
    roles: FEEDS,
    create: ({ session, navigate }) => createFacilities({ session, navigate }),
  },
];

const screensFor = (role) => SCREENS.filter((s) => s.roles.includes(role));
const navFor = (role) =>
  screensFor(role)
    .filter((s) => s.nav)
    .map((s) => ({ path: s.nav.path, label: s.nav.label(role) }));

let session = null;
let views = null;
/** The session's live updates (live.js): started at sign-in, stopped at sign-out. */
let live = null;
let expiryTimer;

function sessionFromToken(token) {
  const claims = decodeToken(token);
  if (!claims || navFor(claims.role).length === 0 || isExpired(token)) return null;
  return {
    token,
    role: claims.role,
    subject: claims.sub,
    organizationIds: Array.isArray(claims.orgs) ? claims.orgs : [],
    expiresAt: typeof claims.exp === "number" ? claims.exp * 1000 : undefined,
    name: sessionStorage.getItem(EMAIL_KEY) ?? "",
    // Signed in with a temporary password: the new one is chosen first (route()).
    mustChangePassword: claims.mcp === true,
  };
}

function start(token) {
  session = sessionFromToken(token);
  if (!session) {
    clearToken();
    return false;
  }
  if (session.mustChangePassword) return true;
  clearTimeout(expiryTimer);
  if (session.expiresAt) {
    const ms = session.expiresAt - Date.now();
    // setTimeout overflows past ~24.8 days; such a token is re-checked on the next load anyway.
    if (ms < 2 ** 31) expiryTimer = setTimeout(() => signOut("Your session has ended. Sign in again."), ms);
  }
  const drawer = createTaskDrawer({
    onChange: () => {
      for (const view of views.screens.values()) view.refresh?.();
      if (currentPath().startsWith("/quality")) views.screens.get("quality")?.reload?.();
    },
  });
  views = { drawer, screens: new Map() };
  live?.stop();
  live = createLive({
    connect: CARE.includes(session.role),
    onSessionEnded: () => window.dispatchEvent(new CustomEvent("homeward:signed-out")),
  });
  for (const screen of screensFor(session.role))
    views.screens.set(screen.id, screen.create({ session, drawer, navigate, live }));
  renderTopBar();
  // The organizations the user works for, to show beside their e-mail.
  api("/api/me")
    .then((me) => {
      const names = Array.isArray(me?.organizations)
        ? me.organizations.map((o) => o.name).filter(Boolean)
        : [];
      if (session && names.length > 0) {
        session.organizations = names.length > 2 ? `${names.length} organizations` : names.join(", ");
        renderTopBar();
      }
    })
    .catch(() => {});
  return true;
}

/**
 * Signing out ends the session on the server too (POST /api/logout), so a copy of the token is
 * worthless from then on. The page forgets the token whatever the answer: a network failure must
 * not leave the user signed in on a shared workstation.
 */
async function endSession() {
  // The stream ends with the session: not a "session has ended" of its own.
  live?.stop();
  try {
    if (getToken()) await api("/api/logout", { method: "POST" });
  } catch {
    // Already ended or unreachable: the token is dropped below either way.
  }
  signOut("You have signed out.");
}

function signOut(message) {
  live?.stop();
  live = null;
  clearToken();
  clearTimeout(expiryTimer);
  views?.drawer.close();
  for (const dialog of document.querySelectorAll("dialog")) dialog.remove();
  session = null;
  views = null;
  renderTopBar();
  showSignIn(message);
}

function renderTopBar() {
  if (!session) {
    replace(nav);
    replace(userBox);
    return;
  }
  const here = currentPath();
  // The nav entry the address is under (the longest match: /quality/programs is not /quality).
  const current = navFor(session.role)
    .map((item) => item.path)
    .filter((path) => here === path || here.startsWith(`${path}/`))
    .sort((a, b) => b.length - a.length)[0];
  replace(
    nav,
    h(
      "ul",
      {},
      navFor(session.role).map((item) =>
        h(
          "li",
          {},
          h(
            "a",
            {
              href: item.path,
              "aria-current": item.path === current ? "page" : undefined,
              "data-route": "",
            },
            item.label,
          ),
        ),
      ),
    ),
  );
  replace(
    userBox,
    h("span", { class: "user-name" }, session.name || "Signed in"),
    session.organizations ? h("span", { class: "user-orgs" }, session.organizations) : null,
    h("span", { class: "role-chip" }, label(ROLES, session.role)),
    h("button", { type: "button", class: "quiet", onclick: () => endSession() }, "Sign out"),
  );
}

function showSignIn(message) {
  document.title = "Sign in · Homeward";
  const error = h("div", { class: "form-status" }, message ? notice(message) : null);
  const email = h("input", {
    id: "signin-email",
    name: "email",
    type: "email",
    autocomplete: "username",
    required: true,
    value: sessionStorage.getItem(EMAIL_KEY) ?? "",
  });
  const password = h("input", {
    id: "signin-password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const button = h("button", { type: "submit", class: "primary wide" }, "Sign in");
  const form = h(
    "form",
    { class: "signin-form", "aria-labelledby": "signin-heading" },
    h("h1", { id: "signin-heading" }, "Sign in to Homeward"),
    h("p", { class: "muted" }, "Follow-up tasks and quality reports for your practice."),
    h("label", { for: "signin-email" }, "Email"),
    email,
    h("label", { for: "signin-password" }, "Password"),
    password,
    button,
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    replace(error, notice("Signing in…"));
    try {
      const body = await api("/api/login", {
        method: "POST",
        body: { email: email.value.trim(), password: password.value },
      });
      if (!body?.token) throw new ApiError(500, "no_token", "The sign-in answer had no token.");
      setToken(body.token);
      sessionStorage.setItem(EMAIL_KEY, email.value.trim());
      if (!start(body.token))
        throw new ApiError(500, "bad_token", "This account has no role Homeward knows.");
      route();
    } catch (err) {
      password.value = "";
      const text =
        err instanceof ApiError && (err.status === 401 || err.status === 400)
          ? "Email or password is not right."
          : err instanceof ApiError && err.status === 429
            ? "Too many attempts. Wait a minute and try again."
            : err instanceof ApiError
              ? err.message
              : "Sign-in failed.";
      replace(error, notice(text, "error"));
      button.disabled = false;
      password.focus();
    }
  });
  replace(main, h("div", { class: "signin" }, form));
  (email.value ? password : email).focus();
}

const currentPath = () => location.pathname.replace(/\/+$/, "") || "/";

function navigate(path) {
  if (path !== location.pathname + location.search) history.pushState(null, "", path);
  route();
}

/** Shows the screen for the address bar; an address the role may not open lands on its first screen. */
/** A token from setting a password (an invitation, the first change): the session starts with it. */
function signedIn(token, email) {
  setToken(token);
  if (email) sessionStorage.setItem(EMAIL_KEY, email);
  if (!start(token)) {
    showSignIn("This account has no role Homeward knows.");
    return;
  }
  route();
}

function route() {
  if (!session) {
    if (currentPath() === "/invite") showInvitation({ main, onSignedIn: signedIn });
    else showSignIn();
    return;
  }
  if (session.mustChangePassword) {
    showPasswordChange({ main, onChanged: (token) => signedIn(token), onSignOut: () => endSession() });
    return;
  }
  const path = currentPath();
  for (const screen of screensFor(session.role)) {
    const found = screen.pattern.exec(path);
    if (!found) continue;
    const view = views.screens.get(screen.id);
    if (main.firstElementChild !== view.element) replace(main, view.element);
    const title = view.show(found.slice(1).filter((p) => p !== undefined));
    live.setTitle(`${title} · Homeward`);
    view.heading.focus({ preventScroll: true });
    renderTopBar();
    return;
  }
  const taskMatch = /^\/tasks\/([^/]+)$/.exec(path);
  history.replaceState(null, "", navFor(session.role)[0].path);
  route();
  // Roles without an inbox still open a task from a link.
  if (taskMatch) views.drawer.open(decodeURIComponent(taskMatch[1]));
}

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-route]") : null;
  if (
    !link ||
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey
  ) {
    return;
  }
  event.preventDefault();
  navigate(link.getAttribute("href"));
});
window.addEventListener("popstate", () => route());
window.addEventListener("homeward:signed-out", () => {
  if (session) signOut("Your session has ended. Sign in again.");
});

const saved = getToken();
if (saved) start(saved);
route();
