import type { Bundle, Parameters, ParametersParameter } from "@medplum/fhirtypes";
import { BACKPORT_URLS } from "./subscription-bundle.ts";

/**
 * The Subscriptions R5 Backport IG's (1.1.0) own rules for what Homeward sends, as far as the FHIR
 * R4 definitions do not check them: a notification Bundle is a `history` whose first entry is the
 * SubscriptionStatus (a Parameters with the status profile), the status carries its required
 * parameters, event numbers are counts, an event-notification has events and the payload content
 * is respected (id-only: references only; full-resource: the focus is in the Bundle).
 */
export function subscriptionViolations(
  bundle: Bundle,
  content: "empty" | "id-only" | "full-resource",
): string[] {
  const v: string[] = [];
  if (bundle.type !== "history") v.push(`Bundle.type is ${bundle.type}, not history`);
  if (!bundle.meta?.profile?.includes(BACKPORT_URLS.notification))
    v.push("Bundle lacks the notification profile");
  const [first, ...rest] = bundle.entry ?? [];
  const status = first?.resource as Parameters | undefined;
  if (status?.resourceType !== "Parameters") return [...v, "the first entry is not the SubscriptionStatus"];
  v.push(...statusViolations(status));
  if (first?.request?.method !== "GET" || !first.request.url.endsWith("/$status"))
    v.push("the status entry's request is not GET .../$status");
  const type = param(status, "type")?.valueCode;
  const events = (status.parameter ?? []).filter((p) => p.name === "notification-event");
  if (type === "event-notification" && events.length === 0)
    v.push("an event-notification without notification-event");
  if ((type === "handshake" || type === "heartbeat") && events.length > 0) v.push(`a ${type} with events`);
  const fullUrls = new Set(rest.map((e) => e.fullUrl));
  for (const e of events) {
    const number = part(e, "event-number")?.valueString;
    if (number === undefined || !/^[1-9][0-9]*$/.test(number))
      v.push(`event-number ${number} is not a count`);
    const focus = part(e, "focus")?.valueReference?.reference;
    if (content === "empty" && focus !== undefined) v.push("an empty payload with a focus");
    if (content !== "empty" && focus === undefined) v.push(`a ${content} event without focus`);
    if (content === "full-resource" && focus !== undefined && !fullUrls.has(focus))
      v.push(`the focus ${focus} is not in the Bundle`);
  }
  if (content !== "full-resource" && rest.length > 0) v.push(`a ${content} payload carries resources`);
  for (const e of rest)
    if (e.request === undefined || e.response === undefined)
      v.push("a history entry without request/response");
  // Every urn:uuid reference resolves inside the Bundle (full-resource).
  if (content === "full-resource")
    for (const ref of JSON.stringify(rest).match(/"reference":"urn:uuid:[^"]+"/g) ?? []) {
      const url = ref.slice('"reference":"'.length, -1);
      if (!fullUrls.has(url)) v.push(`reference ${url} does not resolve in the Bundle`);
    }
  return v;
}

/** The SubscriptionStatus' own rules (also for $status answers). */
export function statusViolations(status: Parameters): string[] {
  const v: string[] = [];
  if (!status.meta?.profile?.includes(BACKPORT_URLS.status)) v.push("the status lacks its profile");
  for (const name of ["subscription", "topic", "status", "type"])
    if ((status.parameter ?? []).filter((p) => p.name === name).length !== 1)
      v.push(`status.${name} is not 1..1`);
  if (param(status, "subscription")?.valueReference?.reference === undefined)
    v.push("status.subscription has no reference");
  if (param(status, "topic")?.valueCanonical === undefined) v.push("status.topic is not a canonical");
  const since = param(status, "events-since-subscription-start")?.valueString;
  if (since !== undefined && !/^[0-9]+$/.test(since))
    v.push("events-since-subscription-start is not a count");
  const type = param(status, "type")?.valueCode ?? "";
  if (!["handshake", "heartbeat", "event-notification", "query-status", "query-event"].includes(type))
    v.push(`status.type ${type} is not a notification type`);
  return v;
}

const param = (p: Parameters, name: string): ParametersParameter | undefined =>
  p.parameter?.find((x) => x.name === name);
const part = (p: ParametersParameter, name: string): ParametersParameter | undefined =>
  p.part?.find((x) => x.name === name);
