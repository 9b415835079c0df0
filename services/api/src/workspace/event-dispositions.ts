import { COMMUNITY_DISCHARGE_DISPOSITIONS } from "@homeward/protocols";

/**
 * PV1-36 discharge disposition (HL7 table 0112) in words. HL7 leaves the table user-defined; US feeds
 * send the NUBC patient discharge status codes (UB-04 form locator 17), which HL7 v2.x lists as its
 * suggested values. Source: NUBC Official UB-04 Data Specifications Manual, FL 17 (as summarized in
 * CMS MLN Matters SE0801). 81–95 are the same places with a planned acute-care readmission.
 */
const NUBC_DISCHARGE_STATUS: Readonly<Record<string, string>> = {
  "01": "Home or self care",
  "02": "Short-term general hospital",
  "03": "Skilled nursing facility (SNF)",
  "04": "Custodial or supportive care (assisted living, group home)",
  "05": "Cancer center or children's hospital",
  "06": "Home with home health services",
  "07": "Left against medical advice",
  "08": "Home with a home IV therapy provider",
  "09": "Admitted as an inpatient to this hospital",
  "20": "Expired",
  "21": "Court or law enforcement",
  "30": "Still a patient",
  "40": "Expired at home (hospice)",
  "41": "Expired in a medical facility (hospice)",
  "42": "Expired, place unknown (hospice)",
  "43": "Federal health care facility (e.g. VA)",
  "50": "Hospice at home",
  "51": "Hospice in a medical facility",
  "61": "Swing bed in this hospital",
  "62": "Inpatient rehabilitation facility",
  "63": "Long-term care hospital",
  "64": "Nursing facility (Medicaid only)",
  "65": "Psychiatric hospital or unit",
  "66": "Critical access hospital",
  "69": "Disaster alternative care site",
  "70": "Another health care institution",
  "81": "Home or self care, with a planned readmission",
  "82": "Short-term general hospital, with a planned readmission",
  "83": "Skilled nursing facility, with a planned readmission",
  "84": "Custodial or supportive care, with a planned readmission",
  "85": "Cancer center or children's hospital, with a planned readmission",
  "86": "Home with home health services, with a planned readmission",
  "87": "Court or law enforcement, with a planned readmission",
  "88": "Federal health care facility, with a planned readmission",
  "89": "Swing bed, with a planned readmission",
  "90": "Inpatient rehabilitation facility, with a planned readmission",
  "91": "Long-term care hospital, with a planned readmission",
  "92": "Nursing facility (Medicaid only), with a planned readmission",
  "93": "Psychiatric hospital or unit, with a planned readmission",
  "94": "Critical access hospital, with a planned readmission",
  "95": "Another health care institution, with a planned readmission",
};

/** A PV1-36 code as the event page shows it: the code, its words, and whether it is a discharge to the community. */
export function dischargeDisposition(code: string): { code: string; label: string; community: boolean } {
  // Some feeds send "1" for "01".
  const normalized = /^\d$/.test(code) ? `0${code}` : code;
  return {
    code,
    label: NUBC_DISCHARGE_STATUS[normalized] ?? `Code ${code} (not in HL7 table 0112)`,
    community: COMMUNITY_DISCHARGE_DISPOSITIONS.includes(normalized),
  };
}

/** DG1-6 diagnosis type, HL7 table 0052. */
const DIAGNOSIS_TYPES: Readonly<Record<string, string>> = {
  A: "Admitting",
  W: "Working",
  F: "Final",
};

export const diagnosisTypeLabel = (type: string | undefined): string | null =>
  type === undefined ? null : (DIAGNOSIS_TYPES[type] ?? type);
