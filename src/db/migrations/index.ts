import { InitialSchema1763800000000 } from './1763800000000-initial-schema';

/** Every migration, oldest first; TypeORM runs the ones the database has not seen. */
export const migrations = [InitialSchema1763800000000];
