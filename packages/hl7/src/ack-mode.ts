import { Hl7Message } from "./message.ts";
import { headerOf, type RawHeader } from "./raw-header.ts";

/** HL7 table 0155 accept/application acknowledgment conditions (MSH-15, MSH-16). */
export type AckCondition = "AL" | "NE" | "ER" | "SU";

/** Acknowledgment codes of table 0008: A* for original mode and application ACKs, C* for enhanced-mode accept ACKs. */
export type AckCode = "AA" | "AE" | "AR" | "CA" | "CE" | "CR";

/**
 * Original mode: one ACK (AA/AE/AR) after the receiver has taken the message.
 * Enhanced mode: an accept ACK (CA/CE/CR) once the message is safely stored, sent according to
 * MSH-15; MSH-16 governs a later application ACK.
 */
export type AckMode =
  | { readonly mode: "original" }
  | { readonly mode: "enhanced"; readonly accept: AckCondition; readonly application: AckCondition | null };

/** How a receiver judged a message: stored, failed to process (retry may help), or refused. */
export type AckOutcome = "accepted" | "error" | "rejected";

const CONDITIONS = new Set<string>(["AL", "NE", "ER", "SU"]);

function condition(value: string): AckCondition | null {
  const v = value.trim().toUpperCase();
  if (v === "") return null;
  // An unknown value is read as AL: an ACK the sender did not want is harmless, a missing
  // one makes it resend forever.
  return CONDITIONS.has(v) ? (v as AckCondition) : "AL";
}

/**
 * Which acknowledgment protocol the sender asked for. Enhanced mode when MSH-15 or MSH-16 is
 * valued (HL7 v2 section 2.9); a null MSH-15 in enhanced mode is read as AL for the same reason
 * as an unknown value.
 */
export function ackModeOf(message: Hl7Message | RawHeader): AckMode {
  const header = message instanceof Hl7Message ? headerOf(message) : message;
  const accept = condition(header.acceptAckType);
  const application = condition(header.applicationAckType);
  if (accept === null && application === null) return { mode: "original" };
  return { mode: "enhanced", accept: accept ?? "AL", application };
}

/** The code that reports `outcome` in this mode: AA/AE/AR in original mode, CA/CE/CR in enhanced mode. */
export function ackCodeFor(mode: AckMode, outcome: AckOutcome): AckCode {
  const enhanced = mode.mode === "enhanced";
  switch (outcome) {
    case "accepted":
      return enhanced ? "CA" : "AA";
    case "error":
      return enhanced ? "CE" : "AE";
    case "rejected":
      return enhanced ? "CR" : "AR";
  }
}

/** Whether the sender wants an (accept) ACK for this outcome: always in original mode, per MSH-15 in enhanced mode. */
export function ackWanted(mode: AckMode, outcome: AckOutcome): boolean {
  if (mode.mode === "original") return true;
  switch (mode.accept) {
    case "AL":
      return true;
    case "NE":
      return false;
    case "ER":
      return outcome !== "accepted";
    case "SU":
      return outcome === "accepted";
  }
}
