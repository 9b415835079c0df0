export {
  createRecipient,
  findRecipient,
  listRecipients,
  type Recipient,
  type RecipientConflict,
  type RecipientFields,
  type RecipientRole,
  updateRecipient,
} from "./recipient-store.ts";
