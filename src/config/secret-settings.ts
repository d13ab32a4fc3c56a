// The settings that hold secrets, by dotted path, apart from the config schema so that the logger's
// composition root can name them without loading zod. The logger redacts these paths wherever they
// appear in a logged value (src/log.ts `redactPaths`); no command prints a config value verbatim.

/** Dotted paths of settings that hold secrets (the Gerrit password or token, the model API key, the webhook secret, the PostgreSQL URL with its password). */
export const SECRET_SETTINGS: readonly string[] = ['gerrit.password', 'model.apiKey', 'review.webhookSecret', 'data.postgresUrl'];
