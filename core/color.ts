/**
 * Whether to colour what goes to a stream: never when NO_COLOR is set to anything non-empty
 * (https://no-color.org), always when FORCE_COLOR is, else only on a terminal that is not "dumb".
 */
export function useColor(
  stream: { isTTY?: boolean } | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream?.isTTY === true && env.TERM !== 'dumb';
}
