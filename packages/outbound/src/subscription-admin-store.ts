import type { Pool, PoolClient } from "@homeward/db";
import type { Subscription } from "@medplum/fhirtypes";
import { sealSecret } from "./secret-box.ts";
import type { PayloadContent, SubscriptionStatusCode } from "./subscription-bundle.ts";
import {
  type StoredSubscription,
  SUBSCRIPTION_COLUMNS,
  subscriptionHeaderContext,
} from "./subscription-store.ts";

/**
 * Searching and changing FHIR Subscriptions (GET /Subscription, PUT /Subscription/:id): SQL on
 * fhir_subscriptions beside subscription-store.ts, which creates, numbers and sends. Event numbers
 * are never touched here: a changed subscription keeps counting where it was.
 */

type Db = Pool | PoolClient;

/** At most this many subscriptions in one search answer. */
export const SUBSCRIPTION_SEARCH_LIMIT = 500;

/** Subscriptions of some organizations (undefined: all), optionally by status and id, oldest first. */
export async function searchSubscriptions(
  db: Db,
  filter: {
    organizationIds: readonly string[] | undefined;
    statuses?: readonly SubscriptionStatusCode[];
    ids?: readonly string[];
  },
): Promise<StoredSubscription[]> {
  const { rows } = await db.query<StoredSubscription>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM fhir_subscriptions
     WHERE ($1::bigint[] IS NULL OR organization_id = ANY($1::bigint[]))
       AND ($2::text[] IS NULL OR status = ANY($2::text[]))
       AND ($3::text[] IS NULL OR id = ANY($3::text[]))
     ORDER BY created_at, id LIMIT ${SUBSCRIPTION_SEARCH_LIMIT}`,
    [
      filter.organizationIds === undefined ? null : [...filter.organizationIds],
      filter.statuses === undefined ? null : [...filter.statuses],
      filter.ids === undefined ? null : [...filter.ids],
    ],
  );
  return rows;
}

/** What a PUT may change; the topic, organization and event count stay. */
export interface SubscriptionChange {
  /** requested (a handshake follows), active (unchanged channel of an active one) or off. */
  status: Exclude<SubscriptionStatusCode, "error">;
  endpoint: string;
  /** The new channel header ("Authorization: Bearer …"), null for none, undefined to keep the stored one. */
  header: string | null | undefined;
  content: PayloadContent;
  heartbeatPeriod: number | null;
  resource: Subscription;
}

/**
 * Replaces a subscription's channel and resource (its header sealed under the outbound key, as on
 * create). Returns the subscription as stored now, or undefined when it is gone.
 */
export async function updateSubscription(
  db: Db,
  key: Buffer | undefined,
  id: string,
  change: SubscriptionChange,
): Promise<StoredSubscription | undefined> {
  const keep = change.header === undefined;
  const sealed =
    change.header === null || change.header === undefined || key === undefined
      ? null
      : sealSecret(key, subscriptionHeaderContext(id), change.header);
  const { rows } = await db.query<StoredSubscription>(
    `UPDATE fhir_subscriptions
     SET status = $2, endpoint = $3, header_sealed = CASE WHEN $8 THEN header_sealed ELSE $4 END,
         content = $5, heartbeat_period = $6,
         resource = $7, last_error = CASE WHEN $2 = 'off' THEN last_error ELSE NULL END, updated_at = now()
     WHERE id = $1 RETURNING ${SUBSCRIPTION_COLUMNS}`,
    [
      id,
      change.status,
      change.endpoint,
      sealed,
      change.content,
      change.heartbeatPeriod,
      change.resource,
      keep,
    ],
  );
  return rows[0];
}
