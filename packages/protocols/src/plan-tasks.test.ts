import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROTOCOLS } from "./default-protocols.ts";
import { type PlannedTask, planTasks } from "./plan-tasks.ts";
import type { ProtocolsFile } from "./protocol.ts";
import { CHICAGO_PRACTICE, matchedEvent } from "./test-fixtures.ts";

const chicago = (d: Date | undefined) =>
  d === undefined ? undefined : DateTime.fromJSDate(d, { zone: "America/Chicago" }).toISO();
const plan = (options: Parameters<typeof matchedEvent>[0], protocols: ProtocolsFile = DEFAULT_PROTOCOLS) =>
  planTasks(matchedEvent(options), protocols, CHICAGO_PRACTICE);
const steps = (tasks: PlannedTask[]) => tasks.map((t) => `${t.protocolId}/${t.stepId}`);

const withProtocols = (change: (p: ProtocolsFile["protocols"][number]) => object): ProtocolsFile => ({
  ...DEFAULT_PROTOCOLS,
  protocols: DEFAULT_PROTOCOLS.protocols.map((p) => ({ ...p, ...change(p) })),
});

describe("planTasks: ED visits", () => {
  it("opens the follow-up call for an enrolled patient, due 2 business days later on the practice calendar", () => {
    // Friday before Labor Day, 7:30 pm in Chicago (already Saturday in UTC).
    const matched = matchedEvent({ occurredAt: "2026-09-04T19:30:00-05:00" });
    const [task, ...rest] = planTasks(matched, DEFAULT_PROTOCOLS, CHICAGO_PRACTICE);
    expect(rest).toEqual([]);
    expect(task?.taskId).toMatch(/^task_[0-9a-f]{24}$/);
    expect(task && { ...task, taskId: "-" }).toEqual({
      taskId: "-",
      protocolId: "ed-follow-up",
      stepId: "follow-up-call",
      taskType: "follow-up-call",
      title: "Follow-up call after ED visit",
      organizationId: "o-1",
      patientId: "p-1",
      encounter: { facility: "FAC", visitNumber: "V1" },
      triggerEventId: matched.event.eventId,
      triggeredAt: new Date("2026-09-04T19:30:00-05:00"),
      dueAt: new Date("2026-09-09T23:59:59.999-05:00"),
      reminders: [new Date("2026-09-09T09:00:00-05:00")],
      escalation: { at: new Date("2026-09-10T09:00:00-05:00"), role: "supervisor", channel: "email" },
      assigneeRecipientId: "r-cm",
      program: "complex-care",
      riskTier: "II",
    });
  });

  it("opens nothing for a monitor copy, a retraction, an attributed-only or a tracking-list patient", () => {
    const enrollment = {
      program: "complex-care",
      riskTier: "I",
      status: "active",
      leadOrganization: "plan",
      copy: "monitor",
    } as const;
    expect(plan({ enrollment })).toEqual([]);
    expect(plan({ matchKind: "retraction" })).toEqual([]);
    expect(plan({ enrollment: null })).toEqual([]);
    expect(plan({ enrollment: { ...enrollment, copy: "lead", status: "tracking_list" } })).toEqual([]);
    expect(steps(plan({ enrollment: { ...enrollment, copy: "lead", status: "monitor" } }))).toEqual([
      "ed-follow-up/follow-up-call",
    ]);
  });

  it("gives the same task id for the same encounter, practice and step, and only then", () => {
    const arrival = plan({ kind: "ed-arrival", controlId: "1" })[0];
    const discharge = plan({
      kind: "ed-discharge",
      controlId: "2",
      occurredAt: "2026-09-05T01:10:00-05:00",
    })[0];
    expect(discharge?.taskId).toBe(arrival?.taskId);
    expect(plan({ organizationId: "o-2" })[0]?.taskId).not.toBe(arrival?.taskId);
    expect(plan({ visitNumber: "V2" })[0]?.taskId).not.toBe(arrival?.taskId);
    expect(plan({})).toEqual(plan({}));
  });

  it("opens no call for an ED discharge to another hospital, but does when PV1-36 is empty", () => {
    expect(plan({ kind: "ed-discharge", visit: { visitNumber: "V1", dischargeDisposition: "02" } })).toEqual(
      [],
    );
    expect(plan({ kind: "ed-discharge", visit: { visitNumber: "V1" } })).toHaveLength(1);
  });

  it("adds the 7-calendar-day FMC task when a deployment turns that protocol on", () => {
    const protocols = withProtocols((p) => (p.protocolId === "ed-follow-up-fmc" ? { enabled: true } : {}));
    const tasks = plan({ occurredAt: "2026-09-04T19:30:00-05:00" }, protocols);
    expect(steps(tasks)).toEqual(["ed-follow-up/follow-up-call", "ed-follow-up-fmc/follow-up-7-days"]);
    expect(chicago(tasks[1]?.dueAt)).toBe("2026-09-11T23:59:59.999-05:00");
    expect(new Set(tasks.map((t) => t.taskId)).size).toBe(2);
  });

  it("honours a protocol's program list", () => {
    expect(
      plan(
        {},
        withProtocols(() => ({ programs: ["heart-failure"] })),
      ),
    ).toEqual([]);
    expect(
      plan(
        {},
        withProtocols(() => ({ programs: ["complex-care"] })),
      ),
    ).toHaveLength(1);
  });
});

describe("planTasks: inpatient discharges", () => {
  const discharge = (disposition?: string) => ({
    kind: "discharge" as const,
    occurredAt: "2026-11-25T14:00:00-06:00", // the day before Thanksgiving
    visit: {
      visitNumber: "V1",
      patientClass: "I",
      ...(disposition === undefined ? {} : { dischargeDisposition: disposition }),
    },
  });

  it("opens TCM contact, the tier's face-to-face visit and medication reconciliation", () => {
    const tier = (riskTier: "I" | "II" | "III") =>
      ({
        program: "complex-care",
        riskTier,
        status: "active",
        leadOrganization: "practice",
        copy: "lead",
      }) as const;
    const tierI = plan({ ...discharge("01"), enrollment: tier("I") });
    expect(steps(tierI)).toEqual([
      "inpatient-discharge/interactive-contact",
      "inpatient-discharge/face-to-face-7-days",
      "inpatient-discharge/medication-reconciliation",
    ]);
    expect(tierI.map((t) => chicago(t.dueAt))).toEqual([
      "2026-11-30T23:59:59.999-06:00", // Thanksgiving skipped; the Friday after is a federal workday
      "2026-12-02T23:59:59.999-06:00",
      "2026-12-25T23:59:59.999-06:00", // calendar days may end on Christmas...
    ]);
    // ...and then the reminders come on the business days before it.
    expect(tierI[2]?.reminders.map(chicago)).toEqual([
      "2026-12-17T09:00:00.000-06:00",
      "2026-12-24T09:00:00.000-06:00",
    ]);
    expect(steps(plan({ ...discharge("06"), enrollment: tier("III") }))).toContain(
      "inpatient-discharge/face-to-face-14-days",
    );
  });

  it("opens them for an attributed patient without enrollment too, as moderate complexity", () => {
    const tasks = plan({
      ...discharge("01"),
      enrollment: null,
      recipients: [{ recipientId: "r-pcp", role: "pcp", copy: "lead", basis: "pcp-of-record" }],
    });
    expect(steps(tasks)).toEqual([
      "inpatient-discharge/interactive-contact",
      "inpatient-discharge/face-to-face-14-days",
      "inpatient-discharge/medication-reconciliation",
    ]);
    expect(chicago(tasks[1]?.dueAt)).toBe("2026-12-09T23:59:59.999-06:00");
    for (const task of tasks) {
      expect(task.assigneeRecipientId).toBe("r-pcp");
      expect("program" in task || "riskTier" in task).toBe(false);
    }
  });

  it("opens nothing for a discharge to a SNF, another hospital, a hospice facility, or a death", () => {
    for (const code of ["02", "03", "20", "51"]) expect(plan(discharge(code)), code).toEqual([]);
    expect(plan({ ...discharge(), deceased: true })).toEqual([]);
    expect(plan(discharge())).toHaveLength(3);
  });

  it("takes inpatients and observation stays, not other outpatient discharges", () => {
    const outpatient = {
      ...discharge("01"),
      visit: { visitNumber: "V1", patientClass: "O", dischargeDisposition: "01" },
    };
    expect(plan(outpatient)).toEqual([]);
    expect(plan({ ...outpatient, isObservation: true })).toHaveLength(3);
  });

  it("assigns the care manager of record, not the first care manager told", () => {
    const tasks = plan({
      ...discharge("01"),
      recipients: [
        { recipientId: "r-a-cm", role: "care-manager", copy: "lead", basis: "role-in-organization" },
        { recipientId: "r-b-cm", role: "care-manager", copy: "lead", basis: "care-manager-of-record" },
        { recipientId: "r-c-cm", role: "care-manager", copy: "lead", basis: "named-by-rule" },
      ],
    });
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) expect(task.assigneeRecipientId).toBe("r-b-cm");
    // Told only as role holders or by name: nobody of record, so nobody is assigned.
    const unassigned = plan({
      ...discharge("01"),
      recipients: [
        { recipientId: "r-a-cm", role: "care-manager", copy: "lead", basis: "role-in-organization" },
        { recipientId: "r-pcp", role: "pcp", copy: "lead", basis: "named-by-rule" },
      ],
    });
    for (const task of unassigned) expect("assigneeRecipientId" in task).toBe(false);
  });

  it("leaves the assignee out when no lead care manager or PCP is among the recipients", () => {
    const tasks = plan({
      ...discharge("01"),
      recipients: [{ recipientId: "r-x", role: "care-manager", copy: "monitor" }],
    });
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) expect("assigneeRecipientId" in task).toBe(false);
  });
});

describe("planTasks: admissions", () => {
  const admission = (riskTier: "I" | "II") => ({
    kind: "inpatient-admit" as const,
    occurredAt: "2026-07-02T22:00:00-05:00",
    enrollment: {
      program: "complex-care",
      riskTier,
      status: "active",
      leadOrganization: "joint",
      copy: "lead",
    } as const,
  });

  it("opens an in-hospital touch by the next business day for Priority I only", () => {
    const [touch, ...rest] = plan(admission("I"));
    expect(rest).toEqual([]);
    expect(touch?.stepId).toBe("in-hospital-touch");
    expect(chicago(touch?.dueAt)).toBe("2026-07-06T23:59:59.999-05:00"); // Friday July 3 is the observed holiday
    expect(touch?.escalation?.channel).toBe("pager");
    expect(plan(admission("II"))).toEqual([]);
  });

  it("opens the in-hospital visit attempt for a tracking-list patient of any tier, instead of the touch", () => {
    const tracking = (riskTier: "I" | "III", extra: object = {}) => ({
      ...admission("I"),
      ...extra,
      enrollment: { ...admission("I").enrollment, riskTier, status: "tracking_list" as const },
    });
    for (const riskTier of ["I", "III"] as const) {
      const [visit, ...rest] = plan(tracking(riskTier));
      expect(rest).toEqual([]);
      expect(visit).toMatchObject({
        protocolId: "tracking-list-admission",
        stepId: "in-hospital-visit",
        taskType: "in-hospital-visit",
        title: "In-hospital face-to-face visit attempt",
        assigneeRecipientId: "r-cm",
        riskTier,
      });
      expect(chicago(visit?.dueAt)).toBe("2026-07-06T23:59:59.999-05:00");
      expect(visit?.escalation).toMatchObject({ role: "supervisor", channel: "email" });
    }
    for (const kind of ["ed-to-inpatient", "outpatient-to-inpatient"] as const)
      expect(steps(plan(tracking("III", { kind })))).toEqual(["tracking-list-admission/in-hospital-visit"]);
    // An observation stay admitted as such, whatever its class: the patient is in a bed to visit.
    expect(
      steps(plan(tracking("III", { isObservation: true, visit: { visitNumber: "V1", patientClass: "O" } }))),
    ).toEqual(["tracking-list-admission/in-hospital-visit"]);
    // Nothing for an ED visit that ends at the ED, nor for the monitor copy.
    expect(plan(tracking("III", { kind: "ed-arrival" }))).toEqual([]);
    const monitor = tracking("III");
    expect(plan({ ...monitor, enrollment: { ...monitor.enrollment, copy: "monitor" } })).toEqual([]);
  });
});
