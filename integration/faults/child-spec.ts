import { z } from 'zod';

/** What the parent asks one child to run: one store, one kind of core. */
export const childSpecSchema = z.object({
  store: z.enum(['file', 'pkcs11']),
  mode: z.enum(['inline', 'process']),
  cells: z.enum(['inline', 'process', 'all-inline']),
  issuers: z.array(z.enum(['iot', 'pca'])).min(1),
  cores: z.number().int().min(1),
  timeScale: z.number().min(1),
  only: z.array(z.string()).optional(),
  limit: z.number().int().min(1).optional(),
});
export type ChildSpec = z.infer<typeof childSpecSchema>;
