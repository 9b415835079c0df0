import { Message } from "node-hl7-client";
import { describe, expect, it } from "vitest";
import { SAMPLE_ADT_MESSAGES } from "./fixtures/adt-messages.ts";
import { parseHl7 } from "./parser.ts";
import { parseHl7Path } from "./path.ts";

/**
 * node-hl7-client 3.2.0 is the reference parser: our lazy parser must read the same values.
 * Its addressing differs: message-level paths are `PID.5.1`, but repetitions, components of a
 * repetition and segment occurrences are 0-based children (`get("PID.3").get(1).get(0)`).
 */
interface RefNode {
  get(path: string | number): RefNode;
  toString(): string;
}

function readReference(message: Message, path: string): string {
  try {
    return asOurs(readReferenceNode(message, path));
  } catch {
    // The reference throws when a path goes past the last component of a field; that is "absent".
    return "";
  }
}

/**
 * Where we differ on purpose: the reference leaves the `\.br\` line break escaped and returns
 * the HL7 null `""` as two quote characters; we give text (a newline) and "" (see `isNull`).
 */
function asOurs(value: string): string {
  return value === '""' ? "" : value.replaceAll("\\.br\\", "\n");
}

function readReferenceNode(message: Message, path: string): string {
  const p = parseHl7Path(path);
  const root = message as unknown as RefNode;
  if (p.occurrence > 1) {
    const segment = root.get(p.segment).get(p.occurrence - 1);
    return segment.get(`${p.field}.${p.component}.${p.subcomponent}`).toString();
  }
  if (p.repetition > 1) {
    return root
      .get(`${p.segment}.${p.field}`)
      .get(p.repetition - 1)
      .get(p.component - 1)
      .get(p.subcomponent - 1)
      .toString();
  }
  return root.get(`${p.segment}.${p.field}.${p.component}.${p.subcomponent}`).toString();
}

const COMMON_PATHS = [
  "MSH-3",
  "MSH-4.1",
  "MSH-4.2",
  "MSH-4.3",
  "MSH-5",
  "MSH-6",
  "MSH-7",
  "MSH-9.1",
  "MSH-9.2",
  "MSH-10",
  "MSH-11",
  "MSH-12",
  "EVN-1",
  "EVN-2",
  "PID-3.1",
  "PID-3.4",
  "PID-3.5",
  "PID-5.1",
  "PID-5.2",
  "PID-5.3",
  "PID-7",
  "PID-8",
  "PID-11.1",
  "PID-11.2",
  "PID-11.3",
  "PID-11.4",
  "PID-11.5",
  "PID-18.1",
  "PV1-2",
  "PV1-3.1",
  "PV1-3.2",
  "PV1-3.4",
  "PV1-19.1",
  "PV1-36",
  "PV1-39",
  "PV1-44",
  "PV1-45",
];

const EXTRA_PATHS: Readonly<Record<string, readonly string[]>> = {
  ADT_A04_ED: [
    "PID-3[2].1",
    "PID-3[2].4",
    "PID-5[2].1",
    "PID-13[2].4",
    "PD1-3.1",
    "PD1-4.1",
    "PD1-4.2",
    "PD1-4.9",
    "PV1-4.1",
    "PV1-7.2",
    "PV1-36",
    "DG1-3.1",
    "DG1-3.2",
    "DG1[2]-3.1",
    "DG1[2]-6.1",
    "IN1-2.1",
    "IN1-36",
    "IN1[2]-4",
    "IN1[2]-36",
    "ROL-3.1",
    "ROL[2]-4.2",
    "ZPV-2",
    "ZPV-3",
    "ZPV-4",
    "NK1-3.2",
    "AL1-3.2",
  ],
  ADT_A01_ADMIT: ["PD1-4.1", "DG1-3.2", "IN1-36", "ROL-4.3", "ZPV-2"],
  ADT_A03_DISCHARGE: ["ZPV-2", "PV1-36.1", "PV1-36.2", "DG1[2]-3.1", "DG1[2]-6.2"],
  ADT_A08_UPDATE: ["PD1-4.1", "PID-5.4", "PID-13"],
  ADT_A11_CANCEL: ["PV1-19"],
  ADT_A40_MERGE: ["MRG-1.1", "MRG-1.4", "MRG-4.1", "MRG-4.5", "PID-3[2].1", "PID-3[2].5"],
};

describe("parseHl7 agrees with node-hl7-client 3.2.0", () => {
  for (const [name, text] of Object.entries(SAMPLE_ADT_MESSAGES)) {
    it(name, () => {
      const ours = parseHl7(text);
      if (!ours.ok) throw new Error(`${name}: ${ours.error.text}`);
      const reference = new Message({ text });
      const paths = [...COMMON_PATHS, ...(EXTRA_PATHS[name] ?? [])];
      const theirs = Object.fromEntries(paths.map((p) => [p, readReference(reference, p)]));
      const mine = Object.fromEntries(paths.map((p) => [p, ours.message.get(p)]));
      expect(mine).toEqual(theirs);
      // Make sure the comparison is not vacuous.
      expect(Object.values(mine).filter((v) => v !== "").length).toBeGreaterThan(8);
    });
  }
});
