// CLI flags generated from the setting table (src/config/settings.ts SETTINGS), so every command that
// takes a setting spells it, documents it and parses it the same way. A `list` setting is a repeatable flag.
import { SETTINGS, type SettingSpec } from '../config/settings.js';
import type { OptionSpecs } from './command.js';

/** `--config FILE`, which every command reading settings takes. */
export const CONFIG_OPTION: OptionSpecs = {
  config: { type: 'string', valueName: 'FILE', description: 'config file (YAML); default $GIC_CONFIG' },
};

/** The flags of the settings `accept` keeps (settings without a flag are environment-only). */
export function settingOptions(accept: (spec: SettingSpec) => boolean): OptionSpecs {
  return Object.fromEntries(
    SETTINGS.filter((spec) => spec.flag !== '' && accept(spec)).map((spec) => [
      spec.flag,
      {
        type: 'string' as const,
        ...(spec.kind === 'list' ? { multiple: true } : {}),
        valueName: spec.valueName,
        description: spec.env === '' ? spec.description : `${spec.description} (env ${spec.env})`,
      },
    ]),
  );
}

/** The model endpoint and egress-guard flags (`--model-url`, `--model`, `--model-allow-host`, ...). */
export const MODEL_OPTIONS: OptionSpecs = settingOptions((spec) => spec.path.startsWith('model.'));

/** The chat flags (`--chat-mode`, `--chat-max-steps`, `--chat-max-tokens`): `gic chat` and `gic serve`. */
export const CHAT_OPTIONS: OptionSpecs = settingOptions((spec) => spec.path.startsWith('chat.'));
