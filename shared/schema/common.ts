import { z } from 'zod';

/** A name in both UI languages: Simplified Chinese first, English second. */
export const LocalizedName = z.object({ zh: z.string().min(1), en: z.string().min(1) });
export type LocalizedName = z.infer<typeof LocalizedName>;

export const Longitude = z.number().finite().gte(-180).lte(180);
export const Latitude = z.number().finite().gte(-90).lte(90);

/** [west, south, east, north] in WGS-84 degrees. */
export const BBox = z.tuple([Longitude, Latitude, Longitude, Latitude]);
export type BBox = z.infer<typeof BBox>;

/**
 * Text as people type it, well-formed and printable: no lone UTF-16 surrogate (JSON's "\ud800" escape
 * parses into one; stored, it reads back as U+FFFD over HTTP and raw on the socket) and no control
 * character (Unicode Cc: C0, DEL, C1), which `trim()` does not remove. Every free-text field of a
 * request is one of these two, with its own length limits on top (`SingleLineText.min(1).max(80)`).
 */
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;
/** Control characters other than the line breaks and tab that multi-line text keeps. */
const CONTROL_BUT_LINES = /(?![\n\r\t])\p{Cc}/u;

/** One line of text (names, codes, ids): no control character at all, tabs and line breaks included. */
export const SingleLineText = z
  .string()
  .refine((s) => !LONE_SURROGATE.test(s), 'contains a lone UTF-16 surrogate (ill-formed Unicode)')
  .refine((s) => !CONTROL.test(s), 'contains a control character');

/** Text of several lines (descriptions, notes, reasons): `\n`, `\r` and `\t` allowed, no other control character. */
export const MultiLineText = z
  .string()
  .refine((s) => !LONE_SURROGATE.test(s), 'contains a lone UTF-16 surrogate (ill-formed Unicode)')
  .refine((s) => !CONTROL_BUT_LINES.test(s), 'contains a control character other than a line break or tab');

/** ISO 8601 timestamp with an explicit offset (Z or ±hh:mm); the wire never carries local times. */
export const IsoTimestamp = z.iso.datetime({ offset: true });

/** The body of every refused request: a machine-readable code and a message for people. */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
