import { AdtEventKind, DeliveryChannel } from "@homeward/contracts";
import type { Pool } from "@homeward/db";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiDeps } from "../api-deps.ts";
import { recordAdminAction } from "../audit.ts";
import { ADMIN_ROLES } from "../auth/access-control.ts";
import { ERROR_RESPONSES } from "../errors.ts";
import { IdParams, RiskTier } from "../schemas.ts";
import { recipientFor } from "./admin-recipients.ts";

const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM");
/** As the notifier reads recipient_preferences (delivery-plan.ts): first matching rule wins. */
const Preferences = z
  .object({
    channelRules: z
      .array(
        z.object({
          eventKinds: z.array(AdtEventKind).min(1).optional(),
          riskTiers: z.array(RiskTier).min(1).optional(),
          channels: z.array(DeliveryChannel).min(1),
        }),
      )
      .max(50),
    emailMode: z.enum(["realtime", "digest"]),
    digestHour: z.number().int().min(0).max(23),
    quietHours: z.object({ start: LocalTime, end: LocalTime }).nullable(),
    pagePriorityOneInQuietHours: z.boolean(),
  })
  .meta({ id: "RecipientPreferences" });
const PreferencesResponse = Preferences.extend({
  /** No row yet: the notifier's defaults apply (e-mail for all, a page too for Priority I). */
  isDefault: z.boolean(),
});

/**
 * How each recipient wants alerts (channels by event kind and tier, digest or real time, quiet
 * hours), as the notifier reads recipient_preferences when it plans a delivery.
 */
export const preferenceRoutes: FastifyPluginAsyncZod<{ deps: ApiDeps }> = async (app, { deps }) => {
  const config = { roles: ADMIN_ROLES };
  const tags = ["admin"];
  app.get(
    "/recipients/:id/preferences",
    {
      config,
      schema: {
        summary: "A recipient's delivery preferences",
        tags,
        params: IdParams,
        response: { 200: PreferencesResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await recipientFor(deps.pool, request, request.params.id);
      return loadPreferences(deps.pool, r.id);
    },
  );

  app.put(
    "/recipients/:id/preferences",
    {
      config,
      schema: {
        summary: "Set a recipient's delivery preferences",
        tags,
        params: IdParams,
        body: Preferences,
        response: { 200: PreferencesResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const r = await recipientFor(deps.pool, request, request.params.id);
      const p = request.body;
      await deps.pool.query(
        `INSERT INTO recipient_preferences (recipient_id, channel_rules, email_mode, digest_hour, quiet_start, quiet_end,
                                            page_priority_one_in_quiet_hours, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())
         ON CONFLICT (recipient_id) DO UPDATE SET channel_rules = $2, email_mode = $3, digest_hour = $4,
           quiet_start = $5, quiet_end = $6, page_priority_one_in_quiet_hours = $7, updated_at = now()`,
        [
          r.id,
          JSON.stringify(p.channelRules),
          p.emailMode,
          p.digestHour,
          p.quietHours?.start ?? null,
          p.quietHours?.end ?? null,
          p.pagePriorityOneInQuietHours,
        ],
      );
      await recordAdminAction(deps.pool, request, {
        action: "recipient.preferences",
        subjectType: "recipient",
        subjectId: r.id,
        organizationId: r.organizationId,
      });
      return loadPreferences(deps.pool, r.id);
    },
  );
};

async function loadPreferences(
  pool: Pool,
  recipientId: string,
): Promise<z.infer<typeof PreferencesResponse>> {
  const { rows } = await pool.query<{
    channel_rules: z.infer<typeof Preferences>["channelRules"];
    email_mode: "realtime" | "digest";
    digest_hour: number;
    quiet_start: string | null;
    quiet_end: string | null;
    page_priority_one_in_quiet_hours: boolean;
  }>(
    `SELECT channel_rules, email_mode, digest_hour, to_char(quiet_start, 'HH24:MI') AS quiet_start,
            to_char(quiet_end, 'HH24:MI') AS quiet_end, page_priority_one_in_quiet_hours
       FROM recipient_preferences WHERE recipient_id = $1`,
    [recipientId],
  );
  const p = rows[0];
  if (p === undefined) {
    return {
      channelRules: [],
      emailMode: "realtime",
      digestHour: 7,
      quietHours: null,
      pagePriorityOneInQuietHours: true,
      isDefault: true,
    };
  }
  return {
    channelRules: p.channel_rules,
    emailMode: p.email_mode,
    digestHour: p.digest_hour,
    quietHours:
      p.quiet_start === null || p.quiet_end === null ? null : { start: p.quiet_start, end: p.quiet_end },
    pagePriorityOneInQuietHours: p.page_priority_one_in_quiet_hours,
    isDefault: false,
  };
}
