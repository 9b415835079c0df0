import type { Pool, PoolClient } from "@homeward/db";
import type { Resource } from "@medplum/fhirtypes";

/**
 * Reads of the resources FHIR Subscription notifications named (GET /api/fhir/Encounter/:id and
 * /Patient/:id, issue 17): an id-only notification carries `Encounter/<id>` and `Patient/<id>`, and
 * the client reads them here. Homeward keeps no FHIR server of its own: the answer is the resource
 * as it was built for a notification (fhir_subscription_notifications.focus, Encounter first, then
 * the Patient and the rest), only ever from the asking organization's subscriptions. SQL only; the
 * tables are written by subscription-store.ts and delivery-store.ts.
 */

type Db = Pool | PoolClient;

/** The resource types a notification names and a client may read. */
export type NotifiedResourceType = "Encounter" | "Patient";

export interface NotifiedResource {
  resource: Resource;
  /** Every resource of the notification that carried it (the Patient beside an Encounter). */
  notification: Resource[];
  organizationId: string;
  subscriptionId: string;
  eventNumber: number;
  /**
   * The notification's matched record was retracted (A11, A13): its delivery has `retracted_at`,
   * or the notification was skipped (the retraction came before it went out).
   */
  retracted: boolean;
}

/**
 * The latest notified version of one resource (newest notification first, then highest event
 * number) among the subscriptions of some organizations (undefined: all, for a system admin).
 * `live` leaves out notifications whose match was retracted. Undefined when none carries it.
 */
export async function findNotifiedResource(
  db: Db,
  query: {
    organizationIds: readonly string[] | undefined;
    resourceType: NotifiedResourceType;
    id: string;
    live?: boolean;
  },
): Promise<NotifiedResource | undefined> {
  const { rows } = await db.query<NotifiedResource>(
    `SELECT r.resource, n.focus AS notification, s.organization_id::text AS "organizationId",
            n.subscription_id AS "subscriptionId", n.event_number::int AS "eventNumber",
            (n.status = 'skipped' OR d.retracted_at IS NOT NULL) AS retracted
       FROM fhir_subscription_notifications n
       JOIN fhir_subscriptions s ON s.id = n.subscription_id
       LEFT JOIN outbound_deliveries d ON d.subscription_id = n.subscription_id AND d.event_number = n.event_number
      CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(n.focus) = 'array' THEN n.focus ELSE '[]' END) AS r(resource)
      WHERE ($1::bigint[] IS NULL OR s.organization_id = ANY($1::bigint[]))
        AND n.focus @> jsonb_build_array(jsonb_build_object('resourceType', $2::text, 'id', $3::text))
        AND r.resource->>'resourceType' = $2 AND r.resource->>'id' = $3
        AND (NOT $4 OR (n.status <> 'skipped' AND d.retracted_at IS NULL))
      ORDER BY n.created_at DESC, n.event_number DESC
      LIMIT 1`,
    [
      query.organizationIds === undefined ? null : [...query.organizationIds],
      query.resourceType,
      query.id,
      query.live ?? false,
    ],
  );
  return rows[0];
}
