import type { MatchedEvent } from "@homeward/contracts";
import { ADMISSION_KINDS, type ExclusionReason } from "./exclusions.ts";
import type { ProtocolsFile } from "./protocol.ts";
import { taskIdFor } from "./task-id.ts";

/** A task to cancel (if it is still open), with the reason recorded on it. */
export interface TaskCancellation {
  taskId: string;
  protocolId: string;
  stepId: string;
  reason: string;
  /**
   * Why it leaves the measures: `admitted` when an admission cancels it (an ED visit that became a
   * stay: HEDIS FMC excludes ED visits that result in an inpatient stay), else `not-applicable`.
   */
  exclusion: ExclusionReason;
}

/**
 * The tasks of this encounter and practice that the event cancels by the protocols' `cancelledBy`
 * (the ED follow-up call once the ED visit became an admission; the in-hospital visit once the
 * patient went home), with the protocol's `cancelReason` when it has one. Every step is listed, disabled
 * protocols and monitor copies included, since tasks opened earlier may exist either way: the caller
 * cancels those that exist and are still open, and records the reason. Retractions are not handled
 * here: the caller cancels the tasks their retracted event opened.
 */
export function cancellationsFor(matched: MatchedEvent, protocols: ProtocolsFile): TaskCancellation[] {
  if (matched.kind !== "announcement") return [];
  const { kind, trigger } = matched.event;
  const generic = `${kind} (${trigger}) on the same encounter`;
  const exclusion: ExclusionReason = ADMISSION_KINDS.has(kind) ? "admitted" : "not-applicable";
  return protocols.protocols
    .filter((protocol) => protocol.cancelledBy.includes(kind))
    .flatMap((protocol) => {
      const reason = protocol.cancelReason === undefined ? generic : `${protocol.cancelReason} (${trigger})`;
      return protocol.steps.map((step) => ({
        taskId: taskIdFor({
          facility: matched.encounter.facility,
          visitNumber: matched.encounter.visitNumber,
          organizationId: matched.practice.organizationId,
          protocolId: protocol.protocolId,
          stepId: step.stepId,
        }),
        protocolId: protocol.protocolId,
        stepId: step.stepId,
        reason,
        exclusion,
      }));
    });
}
