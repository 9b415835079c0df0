// The admin overview: each admin screen the role may open, with what it is for.
import { ADMIN_PAGES, adminFrame } from "./admin-common.js";
import { h, replace } from "./dom.js";

export function createAdminHome({ session, path, built }) {
  const frame = adminFrame({
    id: "admin-home",
    title: "Admin",
    subtitle:
      session.role === "system_admin"
        ? "Settings, people and data of every organization. Every change is recorded in the access log."
        : "Settings, people and data of your organizations. Every change is recorded in the access log.",
    session,
    path,
    built,
  });
  const pages = ADMIN_PAGES.filter((p) => p.roles.includes(session.role) && built.has(p.id));
  replace(
    frame.body,
    h(
      "ul",
      { class: "admin-cards" },
      pages.map((p) =>
        h(
          "li",
          { class: "card" },
          h("h2", {}, h("a", { href: p.path, "data-route": "" }, p.label)),
          h("p", { class: "muted" }, p.summary),
        ),
      ),
    ),
  );
  return { element: frame.element, heading: frame.heading, show: () => "Admin" };
}
