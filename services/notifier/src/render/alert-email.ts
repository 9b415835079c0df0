import type { AlertContent } from "@homeward/contracts";
import { type EmailModel, renderHtml, renderText } from "./email-layout.ts";
import {
  EVENT_LABELS,
  FLAG_LABELS,
  facilityName,
  formatWhen,
  lowerFirst,
  RISK_TIER_LABELS,
  retractedLabel,
  zoned,
} from "./event-labels.ts";

export interface AlertEmailOptions {
  /** The recipient's IANA time zone (the practice's): every time in the mail is shown in it. */
  timeZone: string;
  /** The name in the subject tag and the footer (default "Homeward"). */
  productName?: string | undefined;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The email for one delivery, as text and HTML from the same model.
 *
 * The subject is shown on lock screens, in notification previews and in mail logs, so it says only
 * why the mail was sent (the purpose), the event kind and the facility: never the patient's name,
 * birth date or any identifier, and no dates either. Dates of admission and discharge are identifiers
 * under HIPAA's Safe Harbor list, and a due date is the event date plus a known rule, so it would leak
 * the same thing. The body says what the caller put into `content`, which is already trimmed to the
 * organization's detail level (minimum necessary); the detail stays behind the sign-in link.
 */
export function renderAlertEmail(content: AlertContent, options: AlertEmailOptions): RenderedEmail {
  const product = options.productName ?? "Homeward";
  const model = buildModel(content, options.timeZone, product);
  return { subject: model.subject, text: renderText(model), html: renderHtml(model) };
}

function buildModel(content: AlertContent, timeZone: string, product: string): EmailModel {
  const label = EVENT_LABELS[content.eventKind];
  const facility = facilityName(content.facility);
  const when = formatWhen(content.occurredAt, timeZone);
  const tag = `[${product}]`;
  const footer =
    `Sent by ${product} to ${content.practice.name}. This message may contain protected health information: ` +
    "do not forward it outside your organization. Sign in to see the details: who, where and why, " +
    "the care team and the follow-up.";
  const link = { label: `Open the event in ${product}`, url: content.url };
  const tasks = content.tasks.map((t) => ({
    title: t.title,
    detail: `due ${formatWhen(t.dueAt, timeZone)}${t.status === undefined ? "" : ` (${t.status.replace(/_/g, " ")})`}`,
    url: t.url,
  }));
  const tasksHeading =
    content.copy === "lead" ? "Your follow-up tasks" : "Follow-up by the lead organization";
  const base = { footer, link, tasks, tasksHeading, details: details(content, when), items: [] };

  switch (content.purpose) {
    case "alert": {
      const lead = content.copy === "lead";
      return {
        ...base,
        subject: lead
          ? `${tag} ${label} — ${facility}${content.tasks.length > 0 ? " — follow-up needed" : ""}`
          : `${tag} For information: ${label} — ${facility}`,
        headline: `${label} — ${facility}`,
        intro: [
          `${label} at ${facility}, ${when}, for a patient of ${content.practice.name}.`,
          lead
            ? `Your organization leads follow-up for this patient.${content.tasks.length > 0 ? " The tasks below are open." : ""}`
            : "For your information: the lead organization is following up. No action is needed from you.",
          ...(lead && content.tasks.length === 0 && content.noTaskReason !== undefined
            ? [noTaskSentence(content.noTaskReason), "You can open a follow-up task on the event page."]
            : []),
        ],
      };
    }
    case "retraction": {
      const what = retractedLabel(content.eventKind);
      const reason = content.correction?.reason;
      return {
        ...base,
        subject: `${tag} Correction: ${what} cancelled — ${facility}`,
        headline: `Correction: ${what} cancelled — ${facility}`,
        intro: [
          `Correction: the ${what} at ${facility} reported for ${when} was cancelled by the hospital.`,
          ...(reason === undefined ? [] : [`Reason given: ${reason}`]),
          "Follow-up tasks opened for it are cancelled; nothing more is needed for them.",
        ],
        tasksHeading: "Cancelled tasks",
      };
    }
    case "reminder":
      return {
        ...base,
        subject: `${tag} Reminder: follow-up due — ${label} — ${facility}`,
        headline: `Reminder: follow-up due — ${label} at ${facility}`,
        intro: [
          `Reminder: the follow-up for this ${lowerFirst(label)} (${when}) is due soon and is not yet completed.`,
        ],
      };
    case "escalation":
      return {
        ...base,
        subject: `${tag} Overdue: follow-up — ${label} — ${facility}`,
        headline: `Overdue: follow-up — ${label} at ${facility}`,
        intro: [
          `Escalation: the follow-up for this ${lowerFirst(label)} (${when}) is past due and not completed.`,
          "Please make sure it is done today, or reassign it.",
        ],
      };
    case "digest": {
      const items = content.items ?? [];
      const count = `${items.length} ${items.length === 1 ? "event" : "events"}`;
      return {
        ...base,
        subject: `${tag} Daily digest — ${count} — ${content.practice.name}`,
        headline: `Daily digest — ${content.practice.name}`,
        intro: [
          items.length === 0 ? "No new events since the last digest." : `${count} since the last digest:`,
        ],
        details: [],
        items: items.map((i) => ({
          title: `${EVENT_LABELS[i.eventKind]} — ${i.facility}`,
          detail: formatWhen(i.occurredAt, timeZone),
          url: i.url,
        })),
      };
    }
  }
}

/**
 * "No follow-up task was opened because …": the event page says the same sentence under its tasks,
 * with the same reason words (protocols NO_TASK_REASON_TEXT, carried in the content).
 */
export const noTaskSentence = (reason: string) => `No follow-up task was opened because ${reason}.`;

function details(content: AlertContent, when: string): [string, string][] {
  const rows: [string, string][] = [
    ["Event", EVENT_LABELS[content.eventKind]],
    [
      "Facility",
      content.facility.name === undefined
        ? content.facility.code
        : `${content.facility.name} (${content.facility.code})`,
    ],
    ["When", when],
    ["Practice", content.practice.name],
  ];
  if (content.program !== undefined) rows.push(["Program", content.program]);
  if (content.riskTier !== undefined) rows.push(["Risk tier", RISK_TIER_LABELS[content.riskTier]]);
  if (content.flags.length > 0) rows.push(["Flags", content.flags.map((f) => FLAG_LABELS[f]).join(", ")]);
  const patient = content.patient;
  if (patient?.displayName !== undefined) rows.push(["Patient", patient.displayName]);
  if (patient?.birthDate !== undefined) {
    rows.push(["Birth date", zoned(`${patient.birthDate}T12:00:00Z`, "UTC").toFormat("LLL d, yyyy")]);
  }
  if (patient?.practiceIdentifier !== undefined)
    rows.push(["Practice patient ID", patient.practiceIdentifier]);
  rows.push(["Your copy", content.copy === "lead" ? "Lead (alert and tasks)" : "Monitor (for information)"]);
  return rows;
}
