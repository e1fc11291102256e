import { DispatchValidationError } from './errors';
import type { WallTime } from './local-time';
import { excerpt, normalizeLineEnds } from './text';

/** The wire format's dateline, for error messages and for rendering. */
export const DATELINE_FORMAT = 'DD-MM-YYYY hh:mm AM|PM <Place> Timing';

/** What the raw format carries before cleaning: still-raw title and body text. */
export interface RawDispatchParts {
  wall: WallTime;
  place: string;
  title: string;
  body: string;
}

// `27-11-2024 10:30 PM Jerusalem Timing`; also tolerates `/` or `.` separators, seconds, `p.m.`
// and a 24-hour clock without AM/PM.
const DATELINE =
  /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([ap])\.?\s?m\.?)?\s+(.+?)\s+timing\s*$/i;

/** Reads a dateline line into a wall time and a place, or null when the line is not a dateline. */
export function readDateline(line: string): { wall: WallTime; place: string } | null {
  const match = DATELINE.exec(line.trim());
  if (!match) return null;
  const [, day, month, year, hour, minute, second, meridiem, place] = match;
  let h = Number(hour);
  if (meridiem) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (meridiem.toLowerCase() === 'p' ? 12 : 0);
  } else if (h > 23) {
    return null;
  }
  const wall: WallTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: h,
    minute: Number(minute),
    second: second === undefined ? 0 : Number(second),
  };
  if (wall.minute > 59 || (wall.second ?? 0) > 59) return null;
  return { wall, place: (place ?? '').trim() };
}

/**
 * Splits a raw dispatch into dateline, title and body. The title is the first non-empty line after
 * the dateline; everything after it is the body (cleaned later, like any body).
 *
 * @throws DispatchValidationError `missing_dateline`, `missing_title` or `empty_body`
 */
export function readRawDispatch(text: string): RawDispatchParts {
  const lines = normalizeLineEnds(text).split('\n');
  const firstIndex = lines.findIndex((line) => line.trim().length > 0);
  const firstLine = firstIndex === -1 ? '' : (lines[firstIndex] ?? '');
  const dateline = readDateline(firstLine);
  if (!dateline) {
    throw new DispatchValidationError(
      'missing_dateline',
      `The dispatch must start with a dateline line like "27-11-2024 10:30 PM Jerusalem Timing" (${DATELINE_FORMAT}).`,
      { field: 'dateline', expected: DATELINE_FORMAT, received: excerpt(firstLine.trim()) },
    );
  }
  const rest = lines.slice(firstIndex + 1);
  const titleOffset = rest.findIndex((line) => line.trim().length > 0);
  if (titleOffset === -1) {
    throw new DispatchValidationError(
      'missing_title',
      'The dispatch has a dateline but no title line after it.',
      {
        field: 'title',
        expected: 'a title line after the dateline, then a blank line, then paragraphs',
      },
    );
  }
  const title = (rest[titleOffset] ?? '').trim();
  const body = rest.slice(titleOffset + 1).join('\n');
  if (body.trim().length === 0) {
    throw new DispatchValidationError('empty_body', 'The dispatch has a title but no body paragraphs.', {
      field: 'body',
      expected: 'paragraphs after the title, separated by blank lines',
    });
  }
  return { ...dateline, title, body };
}
