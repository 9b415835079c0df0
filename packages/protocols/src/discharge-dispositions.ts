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

/**
 * PV1-36 dispositions that send the patient on to acute or post-acute inpatient care elsewhere: a
 * follow-up call to "home" does not apply, so the measure excludes the visit as `transferred`. Same
 * source as above (NUBC UB-04 FL 17, the suggested values of HL7 table 0112). Each code and its
 * planned-acute-readmission twin (81-95 repeat 01-70 "with a planned acute care hospital inpatient
 * readmission"):
 */
export const TRANSFER_DISCHARGE_DISPOSITIONS: readonly string[] = [
  /** Short-term general hospital for inpatient care; 82 with a planned readmission. */
  "02",
  "82",
  /** Skilled nursing facility (Medicare certification, anticipation of skilled care); 83. */
  "03",
  "83",
  /** Designated cancer centre or children's hospital; 85. */
  "05",
  "85",
  /** Federal health care facility (VA, DoD hospital); 88. */
  "43",
  "88",
  /** Hospice, medical facility (inpatient hospice); the patient is not at home to be called. */
  "51",
  /** Hospital-based Medicare-approved swing bed; 89. */
  "61",
  "89",
  /** Inpatient rehabilitation facility or distinct-part unit; 90. */
  "62",
  "90",
  /** Medicare-certified long-term care hospital; 91. */
  "63",
  "91",
  /** Nursing facility certified under Medicaid but not Medicare; 92. */
  "64",
  "92",
  /** Psychiatric hospital or distinct-part unit; 93. */
  "65",
  "93",
  /** Critical access hospital; 94. */
  "66",
  "94",
  /** Another type of health care institution not defined elsewhere in the list; 95. */
  "70",
  "95",
];

/** PV1-36 09: admitted as an inpatient to this hospital (outpatient and ED claims): the visit became a stay. */
export const ADMITTED_DISCHARGE_DISPOSITIONS: readonly string[] = ["09"];

/** PV1-36 20 expired; 40, 41, 42 expired at home, in a medical facility, place unknown (hospice claims). */
export const EXPIRED_DISCHARGE_DISPOSITIONS: readonly string[] = ["20", "40", "41", "42"];

/** PV1-36 07: left against medical advice or discontinued care. */
export const AGAINST_MEDICAL_ADVICE_DISPOSITION = "07";
