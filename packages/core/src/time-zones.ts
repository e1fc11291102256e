import { IANAZone } from 'luxon';

/**
 * Places that appear in newsroom datelines, mapped to their IANA zone. Only places whose name is
 * not itself an IANA city (or whose IANA city differs) need to be here; the fallback below
 * resolves the rest (`Cairo` -> `Africa/Cairo`, `New York` -> `America/New_York`).
 * A Map, not an object: the key is the reader's text, and `__proto__` or `constructor` must find
 * nothing rather than Object.prototype's members.
 */
const NEWSROOM_PLACES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'tel aviv': 'Asia/Jerusalem',
    'al quds': 'Asia/Jerusalem',
    'west jerusalem': 'Asia/Jerusalem',
    'east jerusalem': 'Asia/Jerusalem',
    haifa: 'Asia/Jerusalem',
    ramallah: 'Asia/Hebron',
    'gaza city': 'Asia/Gaza',
    gaza: 'Asia/Gaza',
    'khan younis': 'Asia/Gaza',
    rafah: 'Asia/Gaza',
    aleppo: 'Asia/Damascus',
    homs: 'Asia/Damascus',
    amman: 'Asia/Amman',
    sanaa: 'Asia/Aden',
    "sana'a": 'Asia/Aden',
    doha: 'Asia/Qatar',
    manama: 'Asia/Bahrain',
    'abu dhabi': 'Asia/Dubai',
    mecca: 'Asia/Riyadh',
    jeddah: 'Asia/Riyadh',
    mosul: 'Asia/Baghdad',
    basra: 'Asia/Baghdad',
    erbil: 'Asia/Baghdad',
    ankara: 'Europe/Istanbul',
    islamabad: 'Asia/Karachi',
    'new delhi': 'Asia/Kolkata',
    delhi: 'Asia/Kolkata',
    mumbai: 'Asia/Kolkata',
    beijing: 'Asia/Shanghai',
    washington: 'America/New_York',
    'washington dc': 'America/New_York',
    'washington, dc': 'America/New_York',
    'washington d.c.': 'America/New_York',
    'san francisco': 'America/Los_Angeles',
    geneva: 'Europe/Zurich',
    'the hague': 'Europe/Amsterdam',
    kyiv: 'Europe/Kyiv',
    kiev: 'Europe/Kyiv',
    milan: 'Europe/Rome',
    frankfurt: 'Europe/Berlin',
    munich: 'Europe/Berlin',
    rabat: 'Africa/Casablanca',
    'cape town': 'Africa/Johannesburg',
    'addis ababa': 'Africa/Addis_Ababa',
    utc: 'UTC',
    gmt: 'UTC',
    zulu: 'UTC',
  }),
);

/** Lower-cased IANA city segment (`new york`) -> zone (`America/New_York`), built once. */
const IANA_CITIES: ReadonlyMap<string, string> = (() => {
  const cities = new Map<string, string>();
  for (const zone of Intl.supportedValuesOf('timeZone')) {
    const city = zone.split('/').pop();
    if (city) cities.set(city.replaceAll('_', ' ').toLowerCase(), zone);
  }
  return cities;
})();

function placeKey(place: string): string {
  return place.normalize('NFKC').replace(/[’‘`]/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();
}

const zoneValidity = new Map<string, boolean>();

/**
 * True when `zone` is an IANA zone name this runtime knows. Memoised: luxon checks by building an
 * `Intl.DateTimeFormat`, which dominated parsing time in bulk imports. Bounded by the number of
 * distinct strings asked about, which is small in practice (zones and places).
 */
export function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size < 10_000) zoneValidity.set(zone, valid);
  }
  return valid;
}

/**
 * Resolves a dateline place (`Jerusalem`, `Tel Aviv`, `New York`) or an IANA zone name
 * (`Europe/Paris`) to an IANA zone, or null when unknown.
 *
 * @example resolvePlaceTimeZone('Jerusalem') // 'Asia/Jerusalem'
 */
export function resolvePlaceTimeZone(place: string): string | null {
  const trimmed = place.trim();
  if (trimmed.includes('/') && isValidTimeZone(trimmed)) return trimmed;
  const key = placeKey(trimmed);
  return NEWSROOM_PLACES.get(key) ?? IANA_CITIES.get(key) ?? null;
}

/** Some places the resolver knows, for error messages and property tests. */
export const EXAMPLE_PLACES = [
  'Jerusalem',
  'Tel Aviv',
  'Beirut',
  'Damascus',
  'Gaza',
  'Cairo',
  'Tehran',
  'Baghdad',
  'London',
  'New York',
  'Amman',
  'Geneva',
] as const;
