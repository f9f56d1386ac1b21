import { z } from 'zod';

/** The event domains Vigía processes. Each has its own stream, consumers and tables. */
export const DOMAINS = ['sensor', 'trip', 'trade'] as const;
export const Domain = z.enum(DOMAINS);
export type Domain = z.infer<typeof Domain>;
