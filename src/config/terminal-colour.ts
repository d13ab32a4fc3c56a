// Whether terminal output may use colour: never when NO_COLOR is set to anything non-empty
// (https://no-color.org), always when FORCE_COLOR is set (other than 0), else only on a terminal.
// Here because only src/config reads the environment.
export function colourWanted(isTerminal: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const no = env['NO_COLOR'];
  if (no !== undefined && no !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0') return true;
  return isTerminal;
}
