import type { Hl7Message, Hl7Segment } from "../message.ts";

/** The segments the normalizer reads, found in one pass over the message. */
export interface AdtSegments {
  readonly msh: Hl7Segment | undefined;
  readonly evn: Hl7Segment | undefined;
  /** The first PID; `extraPid` is the second, which only a multi-pair merge has. */
  readonly pid: Hl7Segment | undefined;
  readonly extraPid: Hl7Segment | undefined;
  readonly pd1: Hl7Segment | undefined;
  readonly pv1: Hl7Segment | undefined;
  readonly pv2: Hl7Segment | undefined;
  readonly mrg: Hl7Segment | undefined;
  readonly dg1: readonly Hl7Segment[];
  readonly in1: readonly Hl7Segment[];
  readonly rol: readonly Hl7Segment[];
}

/**
 * Walks the segments once. Asking the message for each name instead would scan it a dozen times per
 * message on the listener's hot path. Single segments are the first occurrence, as the ADT message
 * structures have them once (before any repeating group).
 */
export function indexSegments(message: Hl7Message): AdtSegments {
  let msh: Hl7Segment | undefined;
  let evn: Hl7Segment | undefined;
  let pid: Hl7Segment | undefined;
  let extraPid: Hl7Segment | undefined;
  let pd1: Hl7Segment | undefined;
  let pv1: Hl7Segment | undefined;
  let pv2: Hl7Segment | undefined;
  let mrg: Hl7Segment | undefined;
  const dg1: Hl7Segment[] = [];
  const in1: Hl7Segment[] = [];
  const rol: Hl7Segment[] = [];
  for (const segment of message.segments()) {
    switch (segment.name) {
      case "MSH":
        msh ??= segment;
        break;
      case "EVN":
        evn ??= segment;
        break;
      case "PID":
        if (pid === undefined) pid = segment;
        else extraPid ??= segment;
        break;
      case "PD1":
        pd1 ??= segment;
        break;
      case "PV1":
        pv1 ??= segment;
        break;
      case "PV2":
        pv2 ??= segment;
        break;
      case "MRG":
        mrg ??= segment;
        break;
      case "DG1":
        dg1.push(segment);
        break;
      case "IN1":
        in1.push(segment);
        break;
      case "ROL":
        rol.push(segment);
        break;
    }
  }
  return { msh, evn, pid, extraPid, pd1, pv1, pv2, mrg, dg1, in1, rol };
}
