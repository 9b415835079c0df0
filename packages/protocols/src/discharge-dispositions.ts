/**
 * PV1-36 discharge dispositions (HL7 table 0112) that count as a discharge "to the community": the
 * patient goes back to where the practice looks after them, so the transition-of-care tasks apply.
 *
 * HL7 leaves table 0112 user-defined; US feeds send the NUBC patient discharge status codes (UB-04
 * form locator 17), which HL7 v2.x lists as its suggested values. Sources: NUBC Official UB-04 Data
 * Specifications Manual, FL 17; CMS MLN Matters SE0801 "Clarification of Patient Discharge Status
 * Codes and Hospital Transfer Policies"; CMS TCM FAQ (the community setting is "home, domiciliary,
 * rest home, or assisted living facility").
 *
 * Not in the list, on purpose: 02 short-term hospital, 03 SNF, 05 cancer centre or children's
 * hospital, 09 admitted as inpatient, 20 and 40–42 expired, 21 court or law enforcement, 30 still a
 * patient, 43 federal hospital, 51 hospice medical facility, 61 swing bed, 62 inpatient rehab, 63
 * long-term care hospital, 64 Medicaid nursing facility, 65 psychiatric hospital, 66 critical access
 * hospital, 69 disaster alternative care site, 70 other institution, and their planned-readmission
 * variants 82–85 except 84, 87–95.
 */
export const COMMUNITY_DISCHARGE_DISPOSITIONS: readonly string[] = [
  /** Discharged to home or self care (routine discharge). */
  "01",
  /**
   * Discharged/transferred to a facility that provides custodial or supportive care: assisted living,
   * group homes, ICF. The patient stays in the practice's care, which is what TCM calls community.
   */
  "04",
  /** Discharged/transferred to home under the care of an organized home health service organization. */
  "06",
  /** Left against medical advice or discontinued care. */
  "07",
  /** Home under a home IV drug therapy provider (retired by NUBC in 2005, still in HL7's table). */
  "08",
  /** Hospice, at home: the patient is at home and the practice is usually still involved. */
  "50",
  /** 01 with a planned acute-care readmission. */
  "81",
  /** 04 with a planned acute-care readmission. */
  "84",
  /** 06 with a planned acute-care readmission. */
  "86",
];
