// Zod schemas of Gerrit's account JSON (AccountInfo, as rest-api-accounts.txt documents it): minimal,
// tolerant of unknown fields and of null/absent values. No requests here.
import { z } from 'zod';

export const AccountInfoSchema = z.looseObject({
  _account_id: z.number().nullish(),
  name: z.string().nullish(),
  display_name: z.string().nullish(),
  email: z.string().nullish(),
  secondary_emails: z.array(z.string()).nullish(),
  username: z.string().nullish(),
  status: z.string().nullish(),
  inactive: z.boolean().nullish(),
  tags: z.array(z.string()).nullish(),
  _more_accounts: z.boolean().nullish(),
});
export type AccountInfo = z.infer<typeof AccountInfoSchema>;

/** Input of `PUT /accounts/{username}`. */
export interface AccountInput {
  readonly username?: string;
  readonly name?: string;
  readonly display_name?: string;
  readonly email?: string;
  readonly ssh_key?: string;
  /** Deprecated in 3.13+ (auth tokens replace HTTP passwords). */
  readonly http_password?: string;
  readonly groups?: readonly string[];
}

/** `GET /accounts/{id}/capabilities`: capability -> true, plus ranges such as `queryLimit`. */
export const CapabilitiesSchema = z.record(z.string(), z.unknown());
