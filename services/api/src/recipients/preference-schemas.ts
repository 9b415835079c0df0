import { AdtEventKind, DeliveryChannel } from "@homeward/contracts";
import { z } from "zod";
import { RiskTier } from "../schemas.ts";

/** Request and answer shapes of recipients' delivery preferences: validation and the OpenAPI document. */

export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM");

/** As the notifier reads recipient_preferences (delivery-plan.ts): first matching rule wins. */
export const Preferences = z
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

export const PreferencesResponse = Preferences.extend({
  /** No row yet: the notifier's defaults apply (e-mail for all, a page too for Priority I). */
  isDefault: z.boolean(),
});
