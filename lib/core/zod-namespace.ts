/**
 * The `z` of this project (lib/core/zod.ts): every member of zod's `z`, except that `string()` refuses control
 * characters (plainText). An explicit export wins over the star export of the same name.
 */
import { z as zod } from 'zod';
import { plainText } from './plain-text';

export * from 'zod';

/** zod's string schema with the control-character check first: every text field of every schema gets it. */
export const string = ((params?: Parameters<typeof zod.string>[0]) => zod.string(params).check(plainText)) as typeof zod.string;
