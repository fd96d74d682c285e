/**
 * Production runs the compiled JavaScript (`npm run build` makes dist/, bin/lookout runs it), not
 * TypeScript through tsx: tsx's loader adds a thread of its own and tens of MiB of RSS that are
 * not lookout's, which matters for a memory figure (issue 16). This compiles a bench and what it
 * imports with the same tsc settings as dist/, into a temporary directory (nothing is left in the
 * checkout), for the bench to run its measured phases from. The one way every bench that wants
 * compiled code gets it: bench:rules runs its phases from it, bench:ship re-runs itself.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface CompiledBench {
  /** The compiled entry, to run with plain `node`. */
  entry: string;
  /** The environment to run it in: the checkout's node_modules on NODE_PATH (the output is in a temporary directory). */
  env: NodeJS.ProcessEnv;
  /** Removes the temporary directory. */
  remove(): void;
}

/**
 * Compiles `entryTs` and what it imports; `alsoTs` are further entries nothing imports but the
 * bench needs as JS too (a partner process it forks, found beside the entry by its own name).
 */
export function compileBench(entryTs: string, alsoTs: readonly string[] = []): CompiledBench {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lookout-bench-js-'));
  const out = path.join(dir, 'js');
  const config = path.join(dir, 'tsconfig.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.build.json'),
      compilerOptions: {
        outDir: out,
        rootDir: ROOT,
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        incremental: false,
        declaration: false,
        sourceMap: false,
      },
      include: [entryTs, ...alsoTs],
    }),
  );
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', config], { stdio: 'inherit' });
  const nodePath = [path.join(ROOT, 'node_modules'), process.env.NODE_PATH]
    .filter(Boolean)
    .join(path.delimiter);
  return {
    entry: compiledPath(out, entryTs),
    env: { ...process.env, NODE_PATH: nodePath },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Where tsc put the JS of a TypeScript file of the checkout. */
function compiledPath(out: string, fileTs: string): string {
  return path.join(out, path.relative(ROOT, fileTs).replace(/\.ts$/, '.js'));
}

/**
 * For a bench whose measured phases run as compiled JavaScript (bench:ship, bench:tail): run from
 * source, it compiles itself (and `alsoTs`), re-runs the JS in a child with the same arguments and
 * cleans up; `--tsx` keeps it in the source, to measure TypeScript through tsx on purpose.
 * Returns the child's exit code, or undefined when this process is the one to measure.
 */
export async function rerunCompiled(
  benchFile: string,
  alsoTs: readonly string[] = [],
): Promise<number | undefined> {
  if (benchFile.endsWith('.js') || process.argv.includes('--tsx')) return undefined;
  const js = compileBench(benchFile, alsoTs);
  try {
    const child = spawn(process.execPath, [js.entry, ...process.argv.slice(2)], {
      env: js.env,
      stdio: 'inherit',
    });
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => resolve(code ?? 1));
    });
  } finally {
    js.remove();
  }
}

/** The line a bench prints about which code it measured. */
export function codeLine(benchFile: string, benchCommand: string): string {
  return benchFile.endsWith('.js')
    ? `code: compiled JavaScript (tsc with the settings of dist/, plain node), as bin/lookout runs it: ${benchFile}`
    : `code: TypeScript through tsx (--tsx): slower, and RSS includes the loader (${benchCommand} runs compiled JS)`;
}
