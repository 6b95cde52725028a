/**
 * What people type when they look for a time zone, mapped to IANA zones: countries, big cities not in
 * the zone's own name, and the abbreviations in common use. Written for Herald (the zone names and
 * offsets themselves come from the browser's Intl data). One line per zone:
 * `zone|countries|cities|abbreviations`, lists separated by commas. An abbreviation that names
 * several zones (IST: India, Israel, Ireland) is listed on each, the most common first in this file.
 */
const TABLE = `
Asia/Kolkata|India|Mumbai,Bombay,Delhi,New Delhi,Bangalore,Bengaluru,Chennai,Madras,Hyderabad,Pune,Ahmedabad,Jaipur,Kochi,Calcutta|IST
America/New_York|United States,USA,US|New York,NYC,Boston,Washington,Philadelphia,Atlanta,Miami,Toronto|EST,EDT,ET,Eastern
America/Chicago|United States,USA,US,Mexico|Chicago,Houston,Dallas,Austin,San Antonio,Minneapolis,New Orleans|CST,CDT,CT,Central
America/Denver|United States,USA,US|Denver,Salt Lake City,Albuquerque,Boise|MST,MDT,MT,Mountain
America/Phoenix|United States,USA,US|Phoenix,Tucson,Arizona|MST
America/Los_Angeles|United States,USA,US|Los Angeles,LA,San Francisco,Seattle,San Diego,Portland,Las Vegas,San Jose,Silicon Valley|PST,PDT,PT,Pacific
America/Anchorage|United States,USA,US|Anchorage,Alaska|AKST,AKDT
Pacific/Honolulu|United States,USA,US|Honolulu,Hawaii|HST
America/Toronto|Canada|Toronto,Ottawa,Montreal,Quebec|EST,EDT
America/Vancouver|Canada|Vancouver,Victoria|PST,PDT
America/Edmonton|Canada|Edmonton,Calgary|MST,MDT
America/Winnipeg|Canada|Winnipeg|CST,CDT
America/Halifax|Canada|Halifax,Nova Scotia|AST,ADT
America/St_Johns|Canada|St. John's,Newfoundland|NST,NDT
America/Mexico_City|Mexico|Mexico City,Guadalajara,Monterrey|CST
America/Bogota|Colombia|Bogota,Medellin|COT
America/Lima|Peru|Lima|PET
America/Santiago|Chile|Santiago|CLT,CLST
America/Argentina/Buenos_Aires|Argentina|Buenos Aires|ART
America/Sao_Paulo|Brazil|Sao Paulo,São Paulo,Rio de Janeiro,Rio,Brasilia,Belo Horizonte|BRT
America/Caracas|Venezuela|Caracas|VET
Europe/London|United Kingdom,UK,Great Britain,England,Scotland,Wales|London,Manchester,Birmingham,Edinburgh,Glasgow|GMT,BST
Europe/Dublin|Ireland|Dublin,Cork|GMT,IST
Europe/Lisbon|Portugal|Lisbon,Porto|WET,WEST
Europe/Paris|France|Paris,Lyon,Marseille|CET,CEST
Europe/Berlin|Germany|Berlin,Munich,Hamburg,Frankfurt,Cologne|CET,CEST
Europe/Madrid|Spain|Madrid,Barcelona,Valencia,Seville|CET,CEST
Europe/Rome|Italy|Rome,Milan,Naples,Turin|CET,CEST
Europe/Amsterdam|Netherlands,Holland|Amsterdam,Rotterdam,The Hague|CET,CEST
Europe/Brussels|Belgium|Brussels,Antwerp|CET,CEST
Europe/Zurich|Switzerland|Zurich,Geneva,Basel,Bern|CET,CEST
Europe/Vienna|Austria|Vienna|CET,CEST
Europe/Stockholm|Sweden|Stockholm,Gothenburg|CET,CEST
Europe/Oslo|Norway|Oslo|CET,CEST
Europe/Copenhagen|Denmark|Copenhagen|CET,CEST
Europe/Warsaw|Poland|Warsaw,Krakow|CET,CEST
Europe/Prague|Czechia,Czech Republic|Prague|CET,CEST
Europe/Budapest|Hungary|Budapest|CET,CEST
Europe/Helsinki|Finland|Helsinki|EET,EEST
Europe/Athens|Greece|Athens|EET,EEST
Europe/Bucharest|Romania|Bucharest|EET,EEST
Europe/Kyiv|Ukraine|Kyiv,Kiev|EET,EEST
Europe/Istanbul|Turkey,Türkiye|Istanbul,Ankara|TRT
Europe/Moscow|Russia|Moscow,Saint Petersburg,St Petersburg|MSK
Africa/Cairo|Egypt|Cairo,Alexandria|EET,EEST
Africa/Johannesburg|South Africa|Johannesburg,Cape Town,Durban,Pretoria|SAST
Africa/Lagos|Nigeria|Lagos,Abuja|WAT
Africa/Nairobi|Kenya|Nairobi,Mombasa|EAT
Africa/Casablanca|Morocco|Casablanca,Rabat|
Africa/Accra|Ghana|Accra|GMT
Africa/Addis_Ababa|Ethiopia|Addis Ababa|EAT
Asia/Jerusalem|Israel|Jerusalem,Tel Aviv|IST,IDT
Asia/Dubai|United Arab Emirates,UAE|Dubai,Abu Dhabi,Sharjah|GST
Asia/Riyadh|Saudi Arabia|Riyadh,Jeddah,Mecca|AST
Asia/Qatar|Qatar|Doha|AST
Asia/Tehran|Iran|Tehran|IRST
Asia/Karachi|Pakistan|Karachi,Lahore,Islamabad|PKT
Asia/Kathmandu|Nepal|Kathmandu|NPT
Asia/Dhaka|Bangladesh|Dhaka,Chittagong|BST
Asia/Colombo|Sri Lanka|Colombo|SLST
Asia/Yangon|Myanmar,Burma|Yangon,Rangoon|MMT
Asia/Bangkok|Thailand|Bangkok,Chiang Mai|ICT
Asia/Ho_Chi_Minh|Vietnam|Ho Chi Minh City,Saigon,Hanoi|ICT
Asia/Jakarta|Indonesia|Jakarta,Bandung,Surabaya|WIB
Asia/Singapore|Singapore|Singapore|SGT
Asia/Kuala_Lumpur|Malaysia|Kuala Lumpur|MYT
Asia/Manila|Philippines|Manila,Cebu|PHT,PST
Asia/Shanghai|China|Shanghai,Beijing,Shenzhen,Guangzhou,Chengdu|CST
Asia/Hong_Kong|Hong Kong|Hong Kong|HKT
Asia/Taipei|Taiwan|Taipei|CST
Asia/Seoul|South Korea,Korea|Seoul,Busan|KST
Asia/Tokyo|Japan|Tokyo,Osaka,Kyoto,Yokohama|JST
Australia/Sydney|Australia|Sydney,Canberra|AEST,AEDT
Australia/Melbourne|Australia|Melbourne|AEST,AEDT
Australia/Brisbane|Australia|Brisbane,Gold Coast|AEST
Australia/Adelaide|Australia|Adelaide|ACST,ACDT
Australia/Perth|Australia|Perth|AWST
Pacific/Auckland|New Zealand|Auckland,Wellington,Christchurch|NZST,NZDT
UTC||Coordinated Universal Time,Zulu|UTC,GMT
`;

export interface ZonePlaces {
  countries: string[];
  cities: string[];
  abbreviations: string[];
}

const split = (list: string | undefined) => (list ? list.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** Zone → the places and abbreviations people search it by. */
export const ZONE_PLACES: ReadonlyMap<string, ZonePlaces> = new Map(
  TABLE.trim()
    .split('\n')
    .map((line) => {
      const [zone = '', countries, cities, abbreviations] = line.split('|');
      return [zone, { countries: split(countries), cities: split(cities), abbreviations: split(abbreviations) }] as const;
    }),
);

/** Order of the zones in the table: among several matches, the first listed is the most likely meant. */
export const ZONE_RANK: ReadonlyMap<string, number> = new Map([...ZONE_PLACES.keys()].map((zone, index) => [zone, index]));
