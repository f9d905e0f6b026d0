// The roster as the platform keeps it: only what the services need (no address or phone).

export interface RosterPerson {
  personId: string;
  name: string;
  scheme: 'employee' | 'resident';
  status: 'active' | 'suspended';
  /** Basic-insurance suspensions, for benefits paused while suspended. */
  suspensions: { from: string; to?: string }[];
  /** County (or city) administrative code of the person's basic insurance. */
  regionCode: string;
  reliefGroups: string[];
  newCitizen: boolean;
  /**
   * Whose new citizen: the region (administrative code) of the plan whose roster recorded the flag. Being a new citizen
   * is relative to a city, so the flag admits the person into that city's plans only. Absent on entries not sent
   * through a plan's roster route.
   */
  newCitizenOf?: string;
  hongKongMacaoTaiwan: boolean;
  /** Personal-account balance in yuan (decimal string), employees only. */
  accountBalance?: string;
  updatedAt: string;
}
