import type { Domain } from '../../../contracts/index.ts';
import type { DomainModule } from './domain-module.ts';
import { sensorModule } from './sensor/sensor-module.ts';
import { tripModule } from './trip/trip-module.ts';
import { tradeModule } from './trade/trade-module.ts';

/**
 * Every domain Vigía processes, one module each. Adding a domain = one folder under
 * `domains/` and one line here; the processor, replay, status, replay diff, feature export and
 * the CLI iterate this list.
 */
export const DOMAIN_MODULES: readonly DomainModule[] = [sensorModule, tripModule, tradeModule];

export const registeredDomains = (): Domain[] => DOMAIN_MODULES.map((m) => m.name);

/** A domain no module is registered for. */
export class UnknownDomainError extends Error {
  override readonly name = 'UnknownDomainError';
  constructor(
    readonly domain: string,
    registered: readonly string[] = registeredDomains(),
    /** The config key that named it. */
    readonly setting = 'processor.domains',
  ) {
    super(`${setting}: no domain module '${domain}' is registered (registered: ${registered.join(', ')})`);
  }
}

export function domainModule(name: string, modules: readonly DomainModule[] = DOMAIN_MODULES): DomainModule {
  const m = modules.find((x) => x.name === name);
  if (!m) throw new UnknownDomainError(name, modules.map((x) => x.name));
  return m;
}
