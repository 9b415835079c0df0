import { AlertDetailLevel, IanaTimeZone } from "@homeward/contracts";
import { isValidNpi } from "@homeward/rosters";
import { z } from "zod";
import { DbId, IsoDateString } from "../schemas.ts";

/** Request and answer shapes of organizations' settings, closures and holiday calendars: validation and the OpenAPI document. */

export const Kind = z.enum(["practice", "health_plan", "aco"]);

export const Settings = z.object({
  /** How much about the patient an alert may say: minimal (a link only), limited (initials), full (name, birth date). */
  alertDetailLevel: AlertDetailLevel,
  /** date-holidays country (ISO 3166-1) whose public holidays are not business days. */
  holidayCountry: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, "a two-letter country code"),
  holidayState: z.string().trim().min(1).max(10).nullable(),
});

export const OrganizationOut = z
  .object({
    id: DbId,
    kind: Kind,
    code: z.string(),
    name: z.string(),
    npi: z.string().nullable(),
    tin: z.string().nullable(),
    timeZone: z.string(),
    parentId: DbId.nullable(),
    settings: Settings,
    upcomingClosures: z.number().int(),
  })
  .meta({ id: "Organization" });

export const Closure = z.object({ day: IsoDateString, reason: z.string().nullable() });

export const OrganizationDetail = OrganizationOut.extend({
  /** Closed days from a year ago on. */
  closures: z.array(Closure),
});

export const Code = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, . _ -");

export const NewOrganization = z.object({
  kind: Kind,
  code: Code,
  name: z.string().trim().min(1).max(200),
  npi: z.string().trim().refine(isValidNpi, "not a valid NPI").nullable().default(null),
  tin: z
    .string()
    .trim()
    .regex(/^[0-9]{9}$/, "nine digits")
    .nullable()
    .default(null),
  timeZone: IanaTimeZone,
  parentId: DbId.nullable().default(null),
});

export const OrganizationUpdate = Settings.extend({
  name: z.string().trim().min(1).max(200),
  timeZone: IanaTimeZone,
});

export const ClosureParams = z.object({ id: DbId, day: IsoDateString });

export const HolidaysOut = z.object({
  year: z.number().int(),
  country: z.string(),
  state: z.string().nullable(),
  holidays: z.array(z.object({ date: IsoDateString, name: z.string() })),
});
