import { inTransaction, type Pool } from "@homeward/db";
import {
  createEndpoint,
  type Endpoint,
  type EndpointConflict,
  type EndpointFields,
  findEndpoint,
  listEndpoints,
  type OutboundDeliverySummary,
  outboundDeliveriesOfEvent,
  updateEndpoint,
} from "@homeward/outbound";

/**
 * The api's outbound endpoints: the SQL is the owner's (@homeward/outbound); here each write is one
 * transaction, so an endpoint and its sealed secret are stored together or not at all.
 */
export const endpointsOf = (pool: Pool, organizationIds: readonly string[] | null): Promise<Endpoint[]> =>
  listEndpoints(pool, organizationIds);

export const endpointById = (pool: Pool, id: string): Promise<Endpoint | undefined> => findEndpoint(pool, id);

export const addEndpoint = (
  pool: Pool,
  key: Buffer,
  input: {
    organizationId: string;
    fields: EndpointFields;
    secret: string | null;
    tlsClientKey: string | null;
    createdBy: string;
  },
): Promise<Endpoint | EndpointConflict> => inTransaction(pool, (tx) => createEndpoint(tx, key, input));

export const changeEndpoint = (
  pool: Pool,
  key: Buffer,
  id: string,
  fields: EndpointFields,
  secret: string | null | undefined,
  tlsClientKey: string | null | undefined,
): Promise<Endpoint | EndpointConflict | undefined> =>
  inTransaction(pool, (tx) => updateEndpoint(tx, key, id, fields, secret, tlsClientKey));

export const deliveriesOfEvent = (
  pool: Pool,
  eventId: string,
  organizationIds: readonly string[] | null,
): Promise<OutboundDeliverySummary[]> => outboundDeliveriesOfEvent(pool, eventId, organizationIds);
