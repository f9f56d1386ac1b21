import { z } from 'zod';

/**
 * A domain's name: the token of its subjects (`events.<domain>.…`), streams and rooms. Which
 * domains exist is the processor's registry (processor/src/domains/registry.ts), not this
 * contract: a message naming an unregistered domain is refused where it arrives.
 */
export const Domain = z.string().regex(/^[a-z][a-z0-9]{1,23}$/, 'a domain name is 2–24 lowercase letters or digits, starting with a letter');
export type Domain = z.infer<typeof Domain>;

/** The domains Vigía ships with. */
export const DOMAINS = ['sensor', 'trip', 'trade'] as const;
