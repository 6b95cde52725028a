import type { ComboboxOption } from '../components/combobox';

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

function offsetLabel(zone: string, at: Date): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
    return part?.value === 'GMT' ? 'GMT+0' : (part?.value ?? '');
  } catch {
    return '';
  }
}

let cached: ComboboxOption[] | null = null;

/** Every zone the browser knows (plus UTC), labelled with its current offset. Computed once. */
export function timezoneOptions(): ComboboxOption[] {
  if (cached) return cached;
  const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = new Set<string>(listed.map(currentZoneName));
  zones.add('UTC');
  zones.add(browserTimezone());
  const now = new Date();
  cached = [...zones].sort((a, b) => a.localeCompare(b)).map((zone) => ({ value: zone, label: zone.replace(/_/g, ' '), detail: offsetLabel(zone, now) }));
  return cached;
}
