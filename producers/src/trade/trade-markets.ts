// Where each subheading's exports go: a market profile per subheading, as destination → relative
// weight (the order of magnitude of Colombian export statistics: coffee to the US, Japan,
// Germany, Belgium, Canada; cut flowers to the US; bananas to Belgium, the US and the UK;
// avocados to the Netherlands; crude oil to the US, Panama, China and India; coal to the
// Netherlands, Turkey and Chile; plastics, medicaments, chemicals and packaging to the Andean
// and Central American neighbours). In customs data a destination depends on the goods — the
// subheading × destination matrix is sparse — so a company's markets are drawn from its goods'
// profiles and each of its declarations goes where its goods go (trade-companies.ts,
// trade-draft.ts). Countries outside DESTINATIONS are left out; every profile names only
// countries of DESTINATIONS.
import { DESTINATIONS } from './trade-catalogue.ts';

const PROFILES: Readonly<Record<string, string>> = {
  '090111': 'US 40 JP 9 DE 8 BE 7 CA 7 KR 5 GB 3 ES 3 IT 2 NL 2 CN 2',
  '060311': 'US 75 NL 5 JP 4 GB 4 CA 4 ES 2 KR 1',
  '060319': 'US 70 JP 6 NL 6 GB 5 CA 4 ES 3 CL 1 PA 1',
  '080390': 'BE 25 US 20 GB 15 NL 12 IT 10 DE 8 ES 3 TR 2',
  '080440': 'NL 35 GB 15 ES 12 BE 8 US 8 DE 5 CL 4 CR 3 PA 2',
  '270900': 'US 40 PA 20 CN 15 IN 10 ES 5 DO 3 KR 3 NL 2 CL 2',
  '270112': 'NL 20 TR 15 CL 10 BR 10 ES 8 MX 6 DE 5 IT 5 PE 5 GT 4 CR 3 DO 3 KR 3 JP 3 IN 3 US 2 BE 2 GB 2',
  '710812': 'US 50 IT 15 CN 8 IN 7 GB 5 PA 5 DE 3 CA 3',
  '710391': 'US 50 IN 10 JP 10 DE 5 IT 5 GB 5 CN 5 ES 3 KR 2 PA 2',
  '180100': 'MX 30 BE 15 NL 15 ES 10 DE 8 IT 8 US 5 GB 3 JP 3',
  '170114': 'US 30 PE 15 CL 15 EC 10 ES 5 GB 5 DO 5 KR 5 TR 3 BR 2',
  '151110': 'NL 30 ES 20 MX 20 BR 10 DE 8 IT 5 DO 4 VE 3',
  '390120': 'EC 20 PE 18 BR 12 MX 8 VE 8 CL 8 CR 6 GT 6 DO 5 PA 4 US 3 CN 2',
  '390210': 'EC 20 PE 18 BR 12 MX 8 VE 8 CL 8 CR 6 GT 6 DO 5 PA 4 US 3 CN 2',
  '300490': 'EC 25 PE 20 PA 10 VE 8 MX 6 DO 6 GT 6 CR 6 CL 5 US 4 BR 2 AW 2',
  '330499': 'EC 25 PE 20 MX 12 CL 8 PA 8 US 8 DO 5 GT 5 CR 5 VE 4',
  '610910': 'US 45 EC 15 MX 10 PE 8 CR 5 PA 5 CL 4 GT 3 DO 3 ES 2',
  '640399': 'US 35 EC 20 PA 10 MX 8 PE 8 CL 6 CR 5 ES 4 GT 4',
  '720260': 'CN 35 IN 15 KR 12 NL 10 US 8 ES 6 BE 5 JP 5 TR 4',
  '252329': 'US 25 PA 15 EC 15 DO 10 AW 8 GT 7 CR 7 PE 6 VE 4 BR 3',
  '701090': 'EC 25 PE 15 US 12 PA 10 MX 8 CR 7 GT 6 DO 6 VE 6 CL 5',
  '481910': 'EC 30 PE 15 PA 12 VE 10 CR 8 GT 6 DO 6 MX 5 US 4 AW 4',
  '170490': 'US 30 EC 12 PE 10 MX 8 PA 6 CL 6 DO 6 GT 5 CR 5 CA 4 VE 4 ES 2 GB 2',
  '870899': 'EC 25 US 20 MX 15 PE 12 BR 8 CL 6 VE 6 PA 4 GT 2 CR 2',
  '380892': 'EC 25 PE 20 BR 12 MX 8 GT 7 CR 7 VE 6 CL 5 DO 5 PA 5',
  '210111': 'US 25 JP 12 GB 10 DE 8 KR 8 CN 6 ES 5 CA 5 EC 5 PE 5 CL 5 MX 3 NL 3',
  // Precursors: solvents and acids for the neighbours' industries.
  '291411': 'EC 25 PE 20 VE 12 PA 10 MX 8 CL 6 BR 6 CR 5 GT 5 DO 3',
  '291412': 'EC 25 PE 20 VE 12 PA 10 MX 8 CL 6 BR 6 CR 5 GT 5 DO 3',
  '290230': 'EC 25 PE 20 VE 12 PA 10 MX 8 CL 6 BR 6 CR 5 GT 5 DO 3',
  '280610': 'EC 30 PE 20 VE 15 PA 10 CR 8 GT 6 DO 6 BR 5',
  '280700': 'EC 30 PE 20 VE 15 PA 10 CR 8 GT 6 DO 6 BR 5',
  '284161': 'EC 20 PE 20 BR 15 MX 10 CL 10 US 10 PA 5 VE 5',
};

const COUNTRIES = DESTINATIONS.map(([c]) => c);

/** Market share of each country of DESTINATIONS (in that order) for a subheading, summing to 1; the global weights for a subheading without a profile. */
export function marketShares(subheading: string): readonly number[] {
  const cached = SHARES.get(subheading);
  if (cached) return cached;
  const profile = PROFILES[subheading];
  const w = new Array<number>(COUNTRIES.length).fill(0);
  if (profile === undefined) DESTINATIONS.forEach(([, x], i) => (w[i] = x));
  else {
    const parts = profile.split(' ');
    for (let i = 0; i < parts.length; i += 2) {
      const at = COUNTRIES.indexOf(parts[i]!);
      if (at < 0) throw new Error(`market profile of ${subheading} names ${parts[i]}, which is not in DESTINATIONS`);
      w[at] = Number(parts[i + 1]);
    }
  }
  const total = w.reduce((a, b) => a + b, 0);
  const shares = w.map((x) => x / total);
  SHARES.set(subheading, shares);
  return shares;
}

const SHARES = new Map<string, readonly number[]>();

/** A destination's share in a subheading's market profile (0 outside it). */
export function marketShare(subheading: string, destination: string): number {
  const i = COUNTRIES.indexOf(destination);
  return i < 0 ? 0 : marketShares(subheading)[i]!;
}
