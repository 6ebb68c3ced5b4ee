import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * What the type checker says about `text` as if it were the file `probe` (which need not exist),
 * compiled with the options of `tsconfig`: the probe sees the project's real modules beside it.
 */
export function typeCheckProbe(tsconfig: string, probe: string, text: string): readonly ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    tsconfig,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const host = ts.createCompilerHost(config.options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (f === probe ? text : read(f));
  const exists = host.fileExists.bind(host);
  host.fileExists = (f) => f === probe || exists(f);
  const program = ts.createProgram({ rootNames: [probe], options: config.options, host });
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(probe));
}

/** Every `.ts`/`.tsx` file under `dir`, depth first. */
export function typeScriptFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) typeScriptFiles(p, out);
    else if (/\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}
