import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import type { Diagnostic } from './diagnostics';
import { DispatchValidationError } from './errors';
import { formatInstant, resolveWallTime, type WallTime } from './local-time';
import { excerpt } from './text';
import { EXAMPLE_PLACES, isValidTimeZone, resolvePlaceTimeZone } from './time-zones';

export interface DispatchTime {
  publishedAt: string;
  localTime: string;
  timeZone: string;
  place: string | null;
  diagnostics: Diagnostic[];
}

const ZONE_HINT =
  'use a known place (e.g. ' +
  EXAMPLE_PLACES.slice(0, 5).join(', ') +
  '), an IANA zone name as the place (e.g. Asia/Jerusalem), or give the zone explicitly: ' +
  'the JSON field "timeZone", the query parameter ?timeZone=Area/City, or the CLI option --time-zone';

/** Picks the zone for a place, an explicit zone, or a default; explains what is wrong otherwise. */
export function chooseZone(place: string | null, explicitZone?: string, defaultZone?: string): string {
  if (explicitZone !== undefined) {
    if (!isValidTimeZone(explicitZone)) {
      throw new DispatchValidationError(
        'invalid_field',
        `"${excerpt(explicitZone)}" is not an IANA time zone.`,
        {
          field: 'timeZone',
          expected: 'an IANA zone name such as Asia/Jerusalem or Europe/London',
          received: excerpt(explicitZone),
        },
      );
    }
    return explicitZone;
  }
  const fromPlace = place ? resolvePlaceTimeZone(place) : null;
  if (fromPlace) return fromPlace;
  if (defaultZone !== undefined && isValidTimeZone(defaultZone)) return defaultZone;
  if (place) {
    throw new DispatchValidationError('unknown_place', `Unknown place "${excerpt(place)}": ${ZONE_HINT}.`, {
      field: 'place',
      received: excerpt(place),
      expected: ZONE_HINT,
    });
  }
  throw new DispatchValidationError(
    'invalid_time',
    `The time has no offset and no place or zone: ${ZONE_HINT}.`,
    {
      field: 'timeZone',
      expected: ZONE_HINT,
    },
  );
}

/** Resolves a dateline's wall time and place to UTC (DST rule in {@link resolveWallTime}). */
export function timeFromWall(
  wall: WallTime,
  place: string | null,
  explicitZone?: string,
  defaultZone?: string,
): DispatchTime {
  const timeZone = chooseZone(place, explicitZone, defaultZone);
  const resolved = resolveWallTime(wall, timeZone);
  if (!resolved) {
    const shown = `${wall.year}-${wall.month}-${wall.day} ${wall.hour}:${wall.minute}`;
    throw new DispatchValidationError('invalid_time', `${shown} is not a real date and time.`, {
      field: 'dateline',
      received: shown,
    });
  }
  return { ...resolved, timeZone, place };
}

const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * Reads an ISO 8601 time. With an offset it is an instant (shown in the given zone, or the place's,
 * or at its own offset); without one it is a wall time in the zone of the place, the explicit
 * zone or the default.
 */
export function timeFromIso(
  iso: string,
  field: string,
  place: string | null,
  explicitZone?: string,
  defaultZone?: string,
): DispatchTime {
  const trimmed = iso.trim();
  const parsed = DateTime.fromISO(trimmed, { setZone: true });
  if (!parsed.isValid) {
    throw new DispatchValidationError('invalid_time', `Field "${field}" is not an ISO 8601 date-time.`, {
      field,
      expected: 'e.g. 2024-11-27T22:30:00+02:00 or 2024-11-27T20:30:00Z',
      received: excerpt(trimmed),
    });
  }
  if (HAS_OFFSET.test(trimmed)) {
    const zoneName = explicitZone ?? (place ? (resolvePlaceTimeZone(place) ?? undefined) : undefined);
    if (explicitZone !== undefined) chooseZone(place, explicitZone);
    const zone = zoneName ? IANAZone.create(zoneName) : FixedOffsetZone.instance(parsed.offset);
    const timeZone = zoneName ?? (parsed.offset === 0 ? 'UTC' : zone.name);
    // Second precision, like a dateline: sub-second parts would make ids differ for the same dispatch.
    const instant = parsed.startOf('second').toMillis();
    return { ...formatInstant(instant, zone), timeZone, place, diagnostics: [] };
  }
  const wall = {
    year: parsed.year,
    month: parsed.month,
    day: parsed.day,
    hour: parsed.hour,
    minute: parsed.minute,
  };
  return timeFromWall({ ...wall, second: parsed.second }, place, explicitZone, defaultZone);
}
