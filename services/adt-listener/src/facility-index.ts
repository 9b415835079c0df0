import { type FacilityMapping, type FacilityMappingLookup, indexFacilityMappings } from "@homeward/contracts";

/**
 * The facility mappings in force, replaceable while the listener runs: `lookup` is one stable
 * function (handed to Ingest and the MSH-3 check once) that always reads the latest index, so a
 * facility onboarded on the dashboard is accepted from the next message on, without a restart.
 * A message already being read keeps the mapping it was read with.
 */
export class FacilityIndex {
  #mappings: readonly FacilityMapping[];
  #index: FacilityMappingLookup;
  #names: ReadonlySet<string>;
  #signature: string;
  readonly #listeners: ((mappings: readonly FacilityMapping[]) => void)[] = [];

  constructor(mappings: readonly FacilityMapping[]) {
    this.#mappings = mappings;
    this.#index = indexFacilityMappings(mappings);
    this.#names = new Set(mappings.map((m) => m.sendingFacility));
    this.#signature = JSON.stringify(mappings);
  }

  readonly lookup: FacilityMappingLookup = (facility, application) => this.#index(facility, application);

  get mappings(): readonly FacilityMapping[] {
    return this.#mappings;
  }

  /** MSH-4 values with a mapping: the only facility values metrics may carry as labels. */
  get facilityNames(): ReadonlySet<string> {
    return this.#names;
  }

  /** Puts `mappings` in force; false (and nothing told) when they are the ones in force already. */
  replace(mappings: readonly FacilityMapping[]): boolean {
    const signature = JSON.stringify(mappings);
    if (signature === this.#signature) return false;
    this.#mappings = mappings;
    this.#index = indexFacilityMappings(mappings);
    this.#names = new Set(mappings.map((m) => m.sendingFacility));
    this.#signature = signature;
    for (const listener of this.#listeners) listener(mappings);
    return true;
  }

  /** Calls `listener` with the new mappings after each replacement (the parse workers' copies). */
  onReplace(listener: (mappings: readonly FacilityMapping[]) => void): void {
    this.#listeners.push(listener);
  }
}
