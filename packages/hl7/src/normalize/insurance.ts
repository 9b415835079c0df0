import type { FacilityMapping, Identifier, Insurance, MemberIdSource } from "@homeward/contracts";
import type { Hl7Segment } from "../message.ts";
import { readIdentifier } from "./data-types.ts";

function fromIn1(source: MemberIdSource, insurance: Insurance): string | undefined {
  if (source === "IN1-36") return insurance.policyNumber;
  if (source === "IN1-49") return insurance.insuredId;
  return undefined;
}

function readInsurance(in1: Hl7Segment, sources: readonly MemberIdSource[]): Insurance {
  // Built whole and then completed, not copied with a spread: spreading costs far more on this path.
  const insurance: Insurance = {
    setId: in1.readText(1),
    planId: in1.readText(2),
    planName: in1.readText(2, 1, 2),
    planType: in1.readText(15),
    payerId: in1.readText(3),
    payerName: in1.readText(4),
    groupNumber: in1.readText(8),
    groupName: in1.readText(9),
    policyNumber: in1.readText(36),
    insuredId: readIdentifier(in1.field(49).repetition(1))?.value,
    memberId: undefined,
  };
  for (const source of sources) {
    const memberId = fromIn1(source, insurance);
    if (memberId !== undefined) {
      insurance.memberId = memberId;
      break;
    }
  }
  return insurance;
}

/** Every IN1 in message order, each with its member id per the mapping's IN1 sources. */
export function readInsurances(
  segments: readonly Hl7Segment[],
  mapping: Pick<FacilityMapping, "memberIdSources">,
): Insurance[] {
  return segments.map((in1) => readInsurance(in1, mapping.memberIdSources));
}

/**
 * The patient's member id: the mapping's sources in order, first value found wins. `IN1-36` and
 * `IN1-49` look at the coverages in message order (IN1-1 `1` first by convention); `PID-3:XX` takes the
 * first PID-3 repetition whose type code is `XX`.
 */
export function memberIdOf(
  mapping: Pick<FacilityMapping, "memberIdSources">,
  identifiers: readonly Identifier[],
  insurances: readonly Insurance[],
): string | undefined {
  for (const source of mapping.memberIdSources) {
    if (source.startsWith("PID-3:")) {
      const type = source.slice("PID-3:".length);
      const id = identifiers.find((i) => i.typeCode === type);
      if (id !== undefined) return id.value;
      continue;
    }
    for (const insurance of insurances) {
      const value = fromIn1(source, insurance);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}
