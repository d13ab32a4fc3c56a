// Text for the terminal from untrusted sources (the model's answer, Gerrit and mesh names): control
// characters are removed (an ESC in a model's answer must not move the cursor, change colours or set
// the window title), tabs and newlines kept. Colour, when wanted, is added by gic around such text only.

// C0 controls except TAB and LF, DEL, and C1 controls (0x80-0x9F, e.g. the one-byte CSI).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export function terminalSafe(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

export type Paint = (style: 'bold' | 'dim' | 'green' | 'red' | 'cyan' | 'yellow', text: string) => string;

const CODES: Readonly<Record<Parameters<Paint>[0], string>> = { bold: '1', dim: '2', green: '32', red: '31', cyan: '36', yellow: '33' };

/** A painter that adds ANSI colours, or leaves text as it is. */
export function painter(colour: boolean): Paint {
  return colour ? (style, text) => `\u001B[${CODES[style]}m${text}\u001B[0m` : (_style, text) => text;
}
