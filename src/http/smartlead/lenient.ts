import { z } from 'zod';

/**
 * Request fields read as the live Smartlead service reads them: clients written against it send ids and numbers as
 * strings or numbers, booleans as `true`/`"true"`/`"True"` (Python's requests spells a query `True`), `1`/`0`.
 */

/** A whole number, or a string of digits (spaces around it allowed). */
export const lenientInt = () =>
  z
    .union([
      z.number().int(),
      z
        .string()
        .trim()
        .regex(/^-?\d+$/, 'must be a whole number'),
    ])
    .transform((value) => Number(value));

/** An integer id (Smartlead's ids are numbers; clients send `"123"` as often as `123`). */
export const lenientId = (description: string, example = 12345) =>
  z
    .union([z.number().int().min(0), z.string().trim().regex(/^\d+$/, 'must be a numeric id')])
    .transform((value) => Number(value))
    .meta({ description, example });

/** `true`, `false`, `"true"`, `"False"`, `1`, `"0"`… */
export const lenientBoolean = () =>
  z
    .union([
      z.boolean(),
      z.literal(1),
      z.literal(0),
      z
        .string()
        .trim()
        .regex(/^(true|false|1|0)$/i, 'must be true or false'),
    ])
    .transform((value) => value === true || value === 1 || (typeof value === 'string' && /^(true|1)$/i.test(value)));

/** A query object that keeps what it does not know (`api_key`, and parameters a client sends for other versions). */
export const lenientQuery = <Shape extends z.ZodRawShape>(shape: Shape) => z.looseObject(shape);

/** A body object that keeps fields it does not know, as the live service ignores them. */
export const lenientBody = <Shape extends z.ZodRawShape>(shape: Shape) => z.looseObject(shape);
