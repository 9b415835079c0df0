import type { MatchedEvent } from "@homeward/contracts";
import type { Protocol, ProtocolTrigger } from "./protocol.ts";
import type { ProtocolStep, RiskTierCondition } from "./protocol-step.ts";

/** The patient's tier for protocol conditions: the enrollment's, or `none` without an enrollment. */
export function riskTierOf(matched: MatchedEvent): RiskTierCondition {
  return matched.enrollment?.riskTier ?? "none";
}

function triggerMatches(trigger: ProtocolTrigger, matched: MatchedEvent): boolean {
  const { event } = matched;
  if (!trigger.eventKinds.includes(event.kind)) return false;
  if (trigger.patientClasses !== undefined) {
    const patientClass = event.visit?.patientClass;
    const classMatches = patientClass !== undefined && trigger.patientClasses.includes(patientClass);
    const observation = trigger.includeObservationStays && event.flags.isObservation;
    if (!classMatches && !observation) return false;
  }
  if (trigger.dischargeDispositions !== undefined) {
    const disposition = event.visit?.dischargeDisposition;
    if (disposition === undefined) {
      if (trigger.whenDispositionMissing === "skip") return false;
    } else if (!trigger.dischargeDispositions.includes(disposition)) {
      return false;
    }
  }
  return trigger.riskTiers === undefined || trigger.riskTiers.includes(riskTierOf(matched));
}

/**
 * Whether a protocol opens tasks for this matched event: enabled, the patient in its population and
 * programs, and the event passing its trigger. Says nothing about lead or monitor copies: the
 * planner decides that once for all protocols.
 */
export function protocolApplies(protocol: Protocol, matched: MatchedEvent): boolean {
  if (!protocol.enabled) return false;
  const enrollment = matched.enrollment;
  if (protocol.population === "enrolled") {
    if (enrollment === undefined) return false;
    if (
      protocol.enrollmentStatuses !== undefined &&
      !protocol.enrollmentStatuses.includes(enrollment.status)
    ) {
      return false;
    }
  }
  if (protocol.programs !== "all") {
    if (enrollment === undefined || !protocol.programs.includes(enrollment.program)) return false;
  }
  return triggerMatches(protocol.trigger, matched);
}

/** Whether a step of an applicable protocol is for this patient's risk tier. */
export function stepApplies(step: ProtocolStep, matched: MatchedEvent): boolean {
  return step.riskTiers === undefined || step.riskTiers.includes(riskTierOf(matched));
}
