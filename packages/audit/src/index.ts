export {
  type AuditEntry,
  type AuditRow,
  type PatientAccessRow,
  recordAuditEvent,
  recordAuditRows,
  recordPatientAccessRows,
} from "./audit-store.ts";
