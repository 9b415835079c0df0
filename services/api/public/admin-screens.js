// The admin screens as app.js's SCREENS table takes them: one "Admin" entry in the top bar (the
// overview), the rest reached from the admin sub-navigation. Roles as the API enforces them.

import { createAccessLog } from "./admin-access-log.js";
import { ADMIN_PAGES, ADMINS } from "./admin-common.js";
import { createFhirClients } from "./admin-fhir-clients.js";
import { createAdminHome } from "./admin-home.js";
import { createOrganizations } from "./admin-organizations.js";
import { createRecipients } from "./admin-recipients.js";
import { createReviewQueue } from "./admin-reviews.js";
import { createSystems } from "./admin-systems.js";
import { createUploads } from "./admin-uploads.js";
import { createUsers } from "./admin-users.js";

const CREATORS = {
  "admin-organizations": createOrganizations,
  "admin-users": createUsers,
  "admin-recipients": createRecipients,
  "admin-systems": createSystems,
  "admin-fhir-clients": createFhirClients,
  "admin-uploads": createUploads,
  "admin-reviews": createReviewQueue,
  "admin-access-log": createAccessLog,
};
/** The admin screens built so far: the sub-navigation and the overview list only these. */
const BUILT = new Set(Object.keys(CREATORS));

export const ADMIN_SCREENS = [
  {
    id: "admin-home",
    pattern: /^\/admin$/,
    roles: ADMINS,
    nav: { path: "/admin", label: () => "Admin" },
    create: ({ session }) => createAdminHome({ session, path: "/admin", built: BUILT }),
  },
  ...ADMIN_PAGES.filter((p) => BUILT.has(p.id)).map((p) => ({
    id: p.id,
    pattern: new RegExp(`^${p.path.replace(/\//g, "\\/")}$`),
    roles: p.roles,
    create: ({ session }) => CREATORS[p.id]({ session, path: p.path, built: BUILT }),
  })),
];
