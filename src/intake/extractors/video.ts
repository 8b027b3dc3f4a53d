/**
 * video.ts — video and audio with Debian's ffmpeg: `ffprobe` for duration, container and streams;
 * for video, one keyframe every N seconds (ATTEST_INTAKE_KEYFRAME_SECONDS, at most
 * ATTEST_INTAKE_MAX_KEYFRAMES) as `keyframe` derivatives (JPEG) each with its PDQ hash, so a
 * still taken from a video matches the video, and the first keyframe as the `thumbnail`.
 * A file ffprobe cannot read (a truncated MP4 without its `moov` box) fails as MALFORMED.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Derivative } from '../derive.js';
import { IntakeError } from '../errors.js';
import type { ExtractInput, Extraction, Extractor } from '../extractor.js';
import { pdqOfImage } from '../image-decode.js';
import { runTool, toolInfo } from '../tools.js';
import { makeThumbnail, THUMBNAIL_SIZE } from './image.js';

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
}

interface Probe {
  format?: { duration?: string; format_name?: string; bit_rate?: string; tags?: Record<string, string> };
  streams?: ProbeStream[];
}

export const videoExtractor: Extractor = {
  name: 'video',
  accepts: (mediaType) => mediaType.startsWith('video/') || mediaType.startsWith('audio/'),
  async extract(input: ExtractInput): Promise<Extraction> {
    const ffprobe = await toolInfo('ffprobe');
    if (!ffprobe.installed)
      throw new IntakeError('TOOL_MISSING', 'ffprobe (Debian package ffmpeg) is not installed');
    const probe = await probeFile(input);
    const video = probe.streams?.find((s) => s.codec_type === 'video');
    const audio = probe.streams?.find((s) => s.codec_type === 'audio');
    const duration = Number(probe.format?.duration ?? video?.duration ?? Number.NaN);
    const facts: Record<string, unknown> = {
      container: probe.format?.format_name ?? null,
      durationSeconds: Number.isFinite(duration) ? duration : null,
      video: video
        ? { codec: video.codec_name ?? null, width: video.width ?? null, height: video.height ?? null }
        : null,
      audio: audio ? { codec: audio.codec_name ?? null } : null,
      createdAt: probe.format?.tags?.creation_time ?? null,
    };
    if (!video) return { facts, derivatives: [] };
    const frames = await keyframes(input, ffprobe.version);
    facts.keyframes = frames.length;
    facts.keyframeSeconds = input.limits.keyframeSeconds;
    const derivatives: Derivative[] = [...frames];
    if (frames[0]) {
      const first = frames[0].content as { path: string };
      derivatives.push({
        kind: 'thumbnail',
        key: `${THUMBNAIL_SIZE}`,
        content: await makeThumbnail(first.path, input.limits.maxImagePixels),
        mediaType: 'image/jpeg',
        originalName: 'thumbnail.jpg',
        tool: 'ffmpeg',
        toolVersion: ffprobe.version,
      });
    }
    return { facts, derivatives };
  },
};

async function probeFile(input: ExtractInput): Promise<Probe> {
  try {
    const { stdout } = await runTool(
      'ffprobe',
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', input.path],
      { timeoutMs: input.limits.toolTimeoutMs, signal: input.signal, maxBuffer: 4 * 1024 * 1024 },
    );
    return JSON.parse(stdout.toString('utf8')) as Probe;
  } catch (err) {
    if (err instanceof IntakeError && err.code === 'TOOL_FAILED')
      throw new IntakeError('MALFORMED', `not a readable video or audio file: ${err.message}`);
    throw err;
  }
}

/** keyframes writes one JPEG every N seconds with ffmpeg and hashes each with PDQ. */
async function keyframes(input: ExtractInput, version: string): Promise<Derivative[]> {
  const n = input.limits.keyframeSeconds;
  const dir = input.tmpDir;
  try {
    await runTool(
      'ffmpeg',
      [
        '-nostdin',
        '-v',
        'error',
        '-i',
        input.path,
        '-vf',
        `fps=1/${n}`,
        '-frames:v',
        String(input.limits.maxKeyframes),
        '-q:v',
        '3',
        join(dir, 'kf-%05d.jpg'),
      ],
      { timeoutMs: input.limits.toolTimeoutMs, signal: input.signal },
    );
  } catch (err) {
    if (err instanceof IntakeError && err.code === 'TOOL_FAILED')
      throw new IntakeError('MALFORMED', `no frames could be decoded: ${err.message}`);
    throw err;
  }
  const files = (await readdir(dir)).filter((f) => /^kf-\d{5}\.jpg$/.test(f)).sort();
  const out: Derivative[] = [];
  for (const [i, f] of files.entries()) {
    const path = join(dir, f);
    const pdq = await pdqOfImage(await readFile(path), input.limits.maxImagePixels);
    // fps=1/N samples the middle of each N-second window: frame i shows about (i + ½)·N s.
    const at = (i + 0.5) * n;
    out.push({
      kind: 'keyframe',
      key: `t:${i * n}`,
      content: { path },
      mediaType: 'image/jpeg',
      originalName: `keyframe-${String(i).padStart(4, '0')}.jpg`,
      title: `Keyframe at ${at} s`,
      tool: 'ffmpeg',
      toolVersion: version,
      metadata: { seconds: at, pdq: pdq.hash, pdqQuality: pdq.quality },
      pdq,
    });
    await input.report(((i + 1) / files.length) * 100, `keyframe ${i + 1} of ${files.length}`);
  }
  return out;
}
