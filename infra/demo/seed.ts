/**
 * Loads the demo: a synthetic practice (Springvale Family Medicine) and health plan, their people and
 * alert preferences, 200 synthetic patients on the plan's attribution roster and on two
 * care-management lists (three practice care managers with patients of every tier, a tracking list
 * whose six-month reviews fall due at different times), imported with the matcher CLI's own import
 * code (`importRoster`), the api's demo sign-ins, the cast of the demo's recent past, which the
 * feed simulator replays first (patients.json `scenario`), and six months of history before it
 * with the care team's work on its tasks (patients.json `history`; demo-history-cli.ts sends and
 * records them). Idempotent: `npm start` runs it every time, and a second run changes nothing, the
 * scenario and history included (they are dated from the first run).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createPool, type DbSettings, migrate } from "@homeward/db";
import { type ImportReport, importRoster } from "@homeward/rosters";
import type { DemoScenario } from "@homeward/simulator";
import {
  DEMO_PCP,
  DEMO_RECIPIENTS,
  type DemoDirectory,
  type DemoRecipient,
  PLAN,
  PRACTICE,
  upsertDirectory,
} from "./demo-directory.ts";
import { buildDemoHistory, type DemoHistoryData } from "./demo-history-data.ts";
import {
  type DemoPerson,
  demoPopulation,
  highestTier,
  PLAN_MEMBER_AUTHORITY,
  type Tier,
} from "./demo-population.ts";
import {
  ATTRIBUTION_MAPPING,
  attributionCsv,
  daysBefore,
  enrollmentCsv,
  PLAN_PROGRAM,
  PRACTICE_PROGRAM,
} from "./demo-rosters.ts";
import { demoCast } from "./demo-scenario.ts";
import { type DemoSignIn, ensureDemoUsers } from "./demo-users.ts";
import { firstCompletedImport, patientIdsByMemberId } from "./seed-store.ts";

export interface SeedOptions {
  /** Where the roster CSVs and patients.json go (`.stack/demo` from the CLI). */
  outDir: string;
  /** The rosters' date, `YYYY-MM-DD` (default: today, UTC, as the matcher reads effective dates). */
  asOf?: string;
  seed?: number;
  patients?: number;
  /** Give the demo users that exist new random passwords (returned in `signIns`, as for new ones). */
  resetDemoPasswords?: boolean;
  /** Months of history before the recent past (default 6; 0: none). */
  historyMonths?: number;
}

/** A roster patient, as the feed simulator reads them from patients.json (synthetic: no PHI). */
export interface DemoPatient extends Omit<DemoPerson, "practiceList" | "planList" | "rosterMrnFacility"> {
  patientId: string;
  memberIdAuthority: string;
  riskTier?: Tier;
  pcp: { npi: string; family: string; given: string };
}

export interface DemoData {
  schemaVersion: 1;
  practice: { code: string; name: string; organizationId: string };
  plan: { code: string; name: string; organizationId: string };
  recipients: { key: string; id: string; email: string; role: string }[];
  /** Import reports' counts, per roster source. */
  imports: { source: string; read: number; inserted: number; unchanged: number; errors: number }[];
  /** Each practice care manager's caseload on the practice's list, by tier. */
  caseloads: { email: string; I: number; II: number; III: number }[];
  /** The practice's tracking list, and how many of its six-month reviews fall due in the next 14 days (or are overdue). */
  trackingList: { patients: number; reviewsDueSoon: number };
  /** The demo's recent past, which the feed simulator replays first. */
  scenario: DemoScenario;
  /** Six months before it, and the care team's planned work on its tasks (demo-history-cli.ts replays both). */
  history?: DemoHistoryData;
  /** Demo users created by this run (empty on a re-run). */
  usersCreated: string[];
  patients: DemoPatient[];
  /** Files written: the roster CSVs, the attribution mapping and patients.json. */
  files: string[];
}

const IMPORTS = [
  { source: "hplan-attribution-demo", kind: "attribution", org: PLAN.code, file: "hplan-attribution.csv" },
  {
    source: "sfm-care-management-demo",
    kind: "enrollment",
    org: PRACTICE.code,
    file: "sfm-care-management.csv",
  },
  { source: "hplan-high-risk-demo", kind: "enrollment", org: PLAN.code, file: "hplan-high-risk.csv" },
] as const;

const emailOf = (key: DemoRecipient["key"]) => DEMO_RECIPIENTS.find((r) => r.key === key)?.email ?? "";

/**
 * The roster files as of `from` (the first of the month): the attribution a year back, so the
 * replayed past of the last weeks is routed as it would have been; each list line dated by its own
 * `sinceDays` and naming its care manager.
 */
function rosterFiles(people: readonly DemoPerson[], from: string): Record<string, string> {
  return {
    "hplan-attribution.csv": attributionCsv(people, PRACTICE.code, DEMO_PCP, daysBefore(from, 365)),
    "hplan-attribution.mapping.json": `${JSON.stringify(ATTRIBUTION_MAPPING, null, 2)}\n`,
    "sfm-care-management.csv": enrollmentCsv(people, (p) => p.practiceList, {
      practiceCode: PRACTICE.code,
      program: PRACTICE_PROGRAM,
      careManagerEmail: (e) => emailOf(e.careManager ?? "practiceCareManager"),
      from,
    }),
    "hplan-high-risk.csv": enrollmentCsv(people, (p) => p.planList, {
      practiceCode: PRACTICE.code,
      program: PLAN_PROGRAM,
      careManagerEmail: () => emailOf("planCareManager"),
      from,
    }),
  };
}

/** The practice's care managers' caseloads by tier, and the tracking list with its reviews due soon. */
function listSummary(people: readonly DemoPerson[], from: string, asOf: string) {
  const caseloads = DEMO_RECIPIENTS.filter((r) => r.organization === "SFM" && r.role === "care_manager").map(
    (r) => {
      const mine = people.filter((p) => (p.practiceList?.careManager ?? "") === r.key);
      const count = (tier: Tier) => mine.filter((p) => p.practiceList?.tier === tier).length;
      return { email: r.email, I: count("I"), II: count("II"), III: count("III") };
    },
  );
  const tracking = people.filter((p) => p.practiceList?.status === "tracking_list");
  // Due six months after going on the list; "soon" is within the two weeks a review opens ahead.
  const soon = daysBefore(asOf, -14);
  const reviewsDueSoon = tracking.filter((p) => {
    const since = new Date(`${daysBefore(from, p.practiceList?.sinceDays ?? 0)}T00:00:00Z`);
    since.setUTCMonth(since.getUTCMonth() + 6);
    return since.toISOString().slice(0, 10) <= soon;
  }).length;
  return { caseloads, trackingList: { patients: tracking.length, reviewsDueSoon } };
}

/** What a seed run did: the data (as in patients.json) and the sign-ins whose passwords it set. */
export interface SeededDemo extends DemoData {
  /**
   * The demo accounts created (or, with `resetDemoPasswords`, given new passwords) by this run, with
   * their random passwords: the only time they are known. Never written to patients.json.
   */
  signIns: DemoSignIn[];
}

/** Seeds (or re-seeds, changing nothing) the demo into `settings.postgres`; see the file comment. */
export async function seedDemo(
  settings: { postgres: DbSettings },
  options: SeedOptions,
): Promise<SeededDemo> {
  await migrate(settings.postgres);
  const pool = createPool({ ...settings.postgres, max: 2 });
  try {
    const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
    const people = demoPopulation(options.seed, options.patients);
    const directory: DemoDirectory = await upsertDirectory(pool);
    mkdirSync(options.outDir, { recursive: true });
    // Dated from the first of the month, so re-imports within a month write the same files (and
    // later ones too: a list line's date only dates a new row).
    const from = `${asOf.slice(0, 8)}01`;
    const files = rosterFiles(people, from);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(options.outDir, name), text);
    const imports: DemoData["imports"] = [];
    for (const i of IMPORTS) {
      const report: ImportReport = await importRoster({
        pool,
        kind: i.kind,
        source: i.source,
        organization: i.org,
        input: Readable.from([files[i.file] ?? ""]),
        fileName: i.file,
        mapping: i.kind === "attribution" ? ATTRIBUTION_MAPPING : "cm-enrollment",
        asOf,
      });
      if (report.status !== "completed" || report.errorCount > 0) {
        const first = report.errors[0];
        throw new Error(
          `demo import ${i.source} ${report.status} with ${report.errorCount} errors` +
            (first === undefined ? (report.message ?? "") : `; line ${first.line}: ${first.reason}`),
        );
      }
      imports.push({
        source: i.source,
        read: report.read,
        inserted: report.inserted,
        unchanged: report.unchanged,
        errors: report.errorCount,
      });
    }
    const ids = await patientIdsByMemberId(
      pool,
      PLAN_MEMBER_AUTHORITY,
      people.map((p) => p.memberId),
    );
    const patients: DemoPatient[] = people.map(({ practiceList, planList, rosterMrnFacility, ...person }) => {
      const tier = highestTier({ practiceList, planList });
      return {
        ...person,
        patientId: ids.get(person.memberId) ?? "",
        memberIdAuthority: PLAN_MEMBER_AUTHORITY,
        ...(tier === undefined ? {} : { riskTier: tier }),
        pcp: DEMO_PCP,
      };
    });
    const signIns = await ensureDemoUsers(pool, { resetPasswords: options.resetDemoPasswords === true });
    const usersCreated = signIns.filter((u) => u.created).map((u) => u.email);
    // The demo's past is told from its first list import, so every later run (and `npm start`)
    // replays the same past with the same ids, and the feed's resend of it is recognized as such.
    const epoch = (await firstCompletedImport(pool, IMPORTS[1].source)) ?? new Date();
    const cast = demoCast(people);
    const months = options.historyMonths ?? 6;
    // Told from the same epoch on every run, so the same history with the same ids (see the file comment).
    const history =
      months > 0
        ? buildDemoHistory(people, { epoch, months, exclude: new Set(cast.map((c) => c.memberId)) })
        : undefined;
    const scenario: DemoScenario = {
      epoch: epoch.toISOString(),
      cast,
      ...(history === undefined ? {} : { deceased: history.deceased }),
    };
    const data: DemoData = {
      schemaVersion: 1,
      practice: { code: PRACTICE.code, name: PRACTICE.name, organizationId: directory.organizations.SFM },
      plan: { code: PLAN.code, name: PLAN.name, organizationId: directory.organizations.HPLAN },
      recipients: DEMO_RECIPIENTS.map((r) => ({
        key: r.key,
        id: directory.recipients[r.key],
        email: r.email,
        role: r.role,
      })),
      imports,
      ...listSummary(people, from, asOf),
      scenario,
      ...(history === undefined ? {} : { history }),
      usersCreated,
      patients,
      files: [...Object.keys(files), "patients.json"].map((f) => join(options.outDir, f)),
    };
    writeFileSync(join(options.outDir, "patients.json"), `${JSON.stringify(data, null, 2)}\n`);
    return { ...data, signIns };
  } finally {
    await pool.end();
  }
}
