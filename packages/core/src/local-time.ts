import { DateTime, type FixedOffsetZone, IANAZone } from 'luxon';
import type { Diagnostic } from './diagnostics';
import { isValidTimeZone } from './time-zones';

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

export interface ResolvedTime {
  /** UTC instant, `YYYY-MM-DDTHH:mm:ssZ`. */
  publishedAt: string;
  /** Wall time with the offset in force, `YYYY-MM-DDTHH:mm:ss+02:00`. */
  localTime: string;
  diagnostics: Diagnostic[];
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Converts a wall time in an IANA zone to a UTC instant, with DST handled by an explicit rule
 * (the one of Temporal's `disambiguation: 'compatible'`, which is also RFC 5545's):
 * - a wall time in a **gap** (clocks jumped forward past it) is moved forward by the gap's length
 *   — 02:30 on a 02:00→03:00 spring-forward day is read as 03:30;
 * - a wall time in an **overlap** (clocks fell back, so it happened twice) is the **earlier** instant.
 * Either case adds a diagnostic, so the uploader is told; nothing is resolved silently.
 *
 * Written against luxon's zone offsets rather than `DateTime.fromObject` because luxon applies a
 * gap rule silently and gives no way to detect an overlap.
 *
 * Returns null for an impossible wall time (31 February, 25:00).
 *
 * @example resolveWallTime({year: 2024, month: 11, day: 27, hour: 22, minute: 30}, 'Asia/Jerusalem')
 *   // {publishedAt: '2024-11-27T20:30:00Z', localTime: '2024-11-27T22:30:00+02:00', diagnostics: []}
 */
export function resolveWallTime(wall: WallTime, timeZone: string): ResolvedTime | null {
  const asUtc = DateTime.fromObject({ ...wall, second: wall.second ?? 0 }, { zone: 'UTC' });
  if (!asUtc.isValid) return null;
  if (!isValidTimeZone(timeZone)) return null;
  const zone = IANAZone.create(timeZone);
  const wallMs = asUtc.toMillis();

  // Any instant for this wall time uses one of the offsets in force within a day of it.
  const offsets = new Set([zone.offset(wallMs - DAY_MS), zone.offset(wallMs), zone.offset(wallMs + DAY_MS)]);
  const instants = [...offsets]
    .map((offset) => wallMs - offset * MINUTE_MS)
    .filter((instant) => wallMs - zone.offset(instant) * MINUTE_MS === instant)
    .sort((a, b) => a - b);

  const diagnostics: Diagnostic[] = [];
  let instant: number;
  const earliest = instants[0];
  if (earliest === undefined) {
    // Gap: read the wall time with the offset in force just before the transition.
    const offsetBefore = zone.offset(wallMs - DAY_MS);
    instant = wallMs - offsetBefore * MINUTE_MS;
    const shifted = DateTime.fromMillis(instant, { zone });
    diagnostics.push({
      code: 'dst_gap_shifted',
      message: `${asUtc.toFormat("yyyy-LL-dd'T'HH:mm")} does not exist in ${timeZone} (clocks moved forward); read as ${shifted.toISO({ suppressMilliseconds: true })}`,
    });
  } else {
    instant = earliest;
    if (instants.length > 1) {
      diagnostics.push({
        code: 'dst_overlap_earlier_offset',
        message: `${asUtc.toFormat("yyyy-LL-dd'T'HH:mm")} happened twice in ${timeZone} (clocks moved back); the earlier one was taken`,
      });
    }
  }
  return { ...formatInstant(instant, zone), diagnostics };
}

/** Formats an instant as the article's `publishedAt` and `localTime` in the given zone. */
export function formatInstant(
  instant: number,
  zone: IANAZone | FixedOffsetZone,
): { publishedAt: string; localTime: string } {
  const utc = DateTime.fromMillis(instant, { zone: 'UTC' });
  const local = DateTime.fromMillis(instant, { zone });
  return {
    publishedAt: `${utc.toISO({ suppressMilliseconds: true, includeOffset: false })}Z`,
    localTime: local.toISO({ suppressMilliseconds: true }) ?? '',
  };
}
