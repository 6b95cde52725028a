import type { ComboboxOption } from '../components/combobox';
import { ZONE_PLACES, ZONE_RANK } from './timezone-places';

/**
 * Browsers built on ICU still list some zones under their old names (Chromium says Asia/Calcutta).
 * People search for the current IANA names, so those are shown instead when the browser accepts them.
 */
const RENAMED: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Dacca': 'Asia/Dhaka',
  'Asia/Thimbu': 'Asia/Thimphu',
  'Asia/Ulan_Bator': 'Asia/Ulaanbaatar',
  'Asia/Macao': 'Asia/Macau',
  'Europe/Kiev': 'Europe/Kyiv',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'America/Godthab': 'America/Nuuk',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Louisville': 'America/Kentucky/Louisville',
  'Pacific/Truk': 'Pacific/Chuuk',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Africa/Asmera': 'Africa/Asmara',
};

function isSupported(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The current IANA name of a zone (Asia/Calcutta → Asia/Kolkata). */
export function currentZoneName(zone: string): string {
  const renamed = RENAMED[zone];
  return renamed && isSupported(renamed) ? renamed : zone;
}

/** The browser's own IANA zone, used as the default for new workspaces. */
export function browserTimezone(): string {
  try {
    return currentZoneName(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  } catch {
    return 'UTC';
  }
}

function offsetLabel(zone: string, at: Date | number): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
    return part?.value === 'GMT' ? 'GMT+0' : (part?.value ?? '');
  } catch {
    return '';
  }
}

function shortName(zone: string, at: Date | number): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  } catch {
    return '';
  }
}

/**
 * The abbreviation a zone goes by at an instant: the browser's own when it has a name (EST, PDT),
 * else Herald's table (IST for Asia/Kolkata, CEST for Berlin in summer), else the offset (GMT+4).
 */
export function zoneAbbreviation(zone: string, at: Date | number = Date.now()): string {
  const intl = shortName(zone, at);
  if (intl && !/^(GMT|UTC)[+-]/.test(intl)) return intl === 'GMT' && zone === 'UTC' ? 'UTC' : intl;
  const names = ZONE_PLACES.get(currentZoneName(zone))?.abbreviations.filter((a) => /^[A-Z]{3,5}$/.test(a)) ?? [];
  if (names.length > 0) {
    // The first name is the standard time, the second (when there is one) the summer time.
    const year = new Date(at).getUTCFullYear();
    const offsets = [Date.UTC(year, 0, 1), Date.UTC(year, 6, 1)].map((t) => offsetLabel(zone, t));
    const summer = offsets[0] !== offsets[1] && offsetLabel(zone, at) !== standardOffset(zone, year);
    return (summer ? names[1] : names[0]) ?? names[0]!;
  }
  return intl || offsetLabel(zone, at);
}

/** The smaller of the zone's January and July offsets: its standard time. */
function standardOffset(zone: string, year: number): string {
  const jan = new Date(Date.UTC(year, 0, 1));
  const jul = new Date(Date.UTC(year, 6, 1));
  const minutes = (d: Date) => {
    const m = /GMT([+-])(\d+)(?::(\d+))?/.exec(offsetLabel(zone, d));
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
  };
  return offsetLabel(zone, minutes(jan) <= minutes(jul) ? jan : jul);
}

export interface TimezoneOption extends ComboboxOption {
  /** Countries, cities and abbreviations this zone is found by. */
  keywords: string[];
}

let cached: TimezoneOption[] | null = null;

/** Every zone the browser knows (plus UTC), labelled with its current offset and abbreviation. Computed once. */
export function timezoneOptions(): TimezoneOption[] {
  if (cached) return cached;
  const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = new Set<string>(listed.map(currentZoneName));
  zones.add('UTC');
  zones.add(browserTimezone());
  const now = new Date();
  cached = [...zones]
    .sort((a, b) => a.localeCompare(b))
    .map((zone) => {
      const places = ZONE_PLACES.get(zone);
      const abbreviation = zoneAbbreviation(zone, now);
      const offset = offsetLabel(zone, now);
      const where = places?.countries[0];
      return {
        value: zone,
        label: zone.replace(/_/g, ' '),
        detail: [where, abbreviation && !abbreviation.startsWith('GMT') ? abbreviation : null, offset].filter(Boolean).join(' · '),
        keywords: places ? [...places.countries, ...places.cities, ...places.abbreviations] : [],
      };
    });
  return cached;
}

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[_/\s.'-]+/g, ' ')
    .trim();

/**
 * Zones matching what was typed: an abbreviation ("IST"), a country ("India"), a city ("Mumbai") or
 * part of the zone's name ("kolk"). Best first: exact abbreviations and places, then names starting
 * with the text, then anything containing it; ties keep Herald's table order, then A–Z.
 */
export function searchTimezones<T extends ComboboxOption & { keywords?: string[] }>(options: readonly T[], query: string): T[] {
  const needle = fold(query);
  if (!needle) return [...options];
  const scored: { option: T; score: number }[] = [];
  for (const option of options) {
    const name = fold(option.label);
    const city = fold(option.value.slice(option.value.lastIndexOf('/') + 1));
    const words = (option.keywords ?? []).map(fold);
    let score = 0;
    if (words.includes(needle) || city === needle) score = 4;
    else if (city.startsWith(needle) || words.some((w) => w.startsWith(needle))) score = 3;
    else if (name.startsWith(needle)) score = 2;
    else if (name.includes(needle) || words.some((w) => w.includes(needle)) || fold(option.detail ?? '').includes(needle)) score = 1;
    if (score > 0) scored.push({ option, score });
  }
  const rank = (zone: string) => ZONE_RANK.get(zone) ?? Number.MAX_SAFE_INTEGER;
  return scored.sort((a, b) => b.score - a.score || rank(a.option.value) - rank(b.option.value) || a.option.label.localeCompare(b.option.label)).map((s) => s.option);
}
