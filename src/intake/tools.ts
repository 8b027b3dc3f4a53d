/**
 * tools.ts — the external programs intake uses (Debian packages `tesseract-ocr` with
 * `tesseract-ocr-ara` and `-eng`, `ffmpeg`, `poppler-utils`): whether each is installed, its
 * version, and a bounded way to run it (time limit, output cap, no shell, arguments as a list).
 */
import { execFile } from 'node:child_process';
import { IntakeError } from './errors.js';

export interface ToolRun {
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** runTool runs `cmd args` without a shell, killed after `timeoutMs`. */
export function runTool(
  cmd: string,
  args: readonly string[],
  options: { timeoutMs: number; maxBuffer?: number; signal?: AbortSignal },
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
        encoding: 'buffer',
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (err, stdout, stderr) => {
        const errText = stderr.toString('utf8').slice(-2000);
        if (!err) return resolve({ stdout, stderr: errText });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        if (e.code === 'ENOENT') return reject(new IntakeError('TOOL_MISSING', `${cmd} is not installed`));
        if (e.killed || e.signal === 'SIGKILL')
          return reject(
            new IntakeError('TIMEOUT', `${cmd} ran longer than ${options.timeoutMs} ms and was stopped`),
          );
        const last = errText.trim().split('\n').at(-1) ?? '';
        reject(new IntakeError('TOOL_FAILED', `${cmd} failed: ${last.slice(0, 300)}`));
      },
    );
  });
}

export interface ToolInfo {
  readonly installed: boolean;
  readonly version: string;
  /** tesseract only: the installed languages. */
  readonly languages?: readonly string[];
}

const cache = new Map<string, Promise<ToolInfo>>();

/** toolInfo reports whether `name` (tesseract, ffmpeg, ffprobe, pdftoppm) is installed. */
export function toolInfo(name: 'tesseract' | 'ffmpeg' | 'ffprobe' | 'pdftoppm'): Promise<ToolInfo> {
  let p = cache.get(name);
  if (!p) {
    p = probe(name);
    cache.set(name, p);
  }
  return p;
}

async function probe(name: string): Promise<ToolInfo> {
  try {
    if (name === 'tesseract') {
      const v = await runTool('tesseract', ['--version'], { timeoutMs: 10_000 });
      const langs = await runTool('tesseract', ['--list-langs'], { timeoutMs: 10_000 });
      const text = v.stdout.toString('utf8') + v.stderr;
      return {
        installed: true,
        version: /tesseract\s+v?([0-9][0-9.]*)/i.exec(text)?.[1] ?? 'unknown',
        languages: langs.stdout
          .toString('utf8')
          .split('\n')
          .slice(1)
          .map((l) => l.trim())
          .filter(Boolean),
      };
    }
    const flag = name === 'pdftoppm' ? '-v' : '-version';
    const v = await runTool(name, [flag], { timeoutMs: 10_000 });
    const text = v.stdout.toString('utf8') + v.stderr;
    return { installed: true, version: /version\s+v?([0-9][0-9A-Za-z.+~-]*)/i.exec(text)?.[1] ?? 'unknown' };
  } catch {
    return { installed: false, version: 'none' };
  }
}
