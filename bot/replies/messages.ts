import {
  describeBusinessCode,
  type JimengError,
  mib,
  type Task,
  type TaskStatus,
} from '../../src/index.ts';
import { type DownloadFailure, LINK_FAILURES } from './download-failure.ts';

/** Every sentence the bot says, in one place. Each names the task id when there is one. */

export type Progress =
  | { kind: 'submitting'; position: number | null }
  | { kind: 'following'; status: TaskStatus | null }
  | { kind: 'downloading' };

const statusWords: Record<TaskStatus, string> = {
  queued: "Waiting in the provider's queue",
  processing: 'Generating the video',
  done: 'Done, fetching the video',
  failed: 'Failed',
  not_found: 'Not found',
  expired: 'Expired',
  unknown: 'Waiting for news from the provider',
};

/** Starts every progress line and nothing else: a reply without it is a final answer. */
export const PROGRESS_MARK = '⏳';

export function progressText(
  taskId: string | null,
  progress: Progress,
  elapsedMs: number,
  note?: string,
): string {
  const what = taskId ? `Task \`${taskId}\`` : 'Your video';
  let state: string;
  if (progress.kind === 'submitting') {
    state =
      progress.position === null
        ? 'Submitting your prompt'
        : `Waiting for a free slot: number ${progress.position} in line`;
  } else if (progress.kind === 'downloading') {
    state = 'Done, fetching the video';
  } else {
    state = progress.status ? statusWords[progress.status] : 'Checking the task';
  }
  const lines = [`${PROGRESS_MARK} ${what}: ${state}… (${formatElapsed(elapsedMs)})`];
  if (note) lines.push(note);
  return lines.join('\n');
}

/** Coarse on purpose: the text only changes (and the reply is only edited) every 10 s at most. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${Math.floor(seconds / 10) * 10} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function deliveredText(task: Task, fallbackPrompt?: string): string {
  const p = task.params;
  const facts = [
    p?.width && p.height ? `${p.width}×${p.height}` : null,
    p?.durationSeconds ? `${p.durationSeconds} s` : null,
    p?.seed !== null && p?.seed !== undefined ? `seed ${p.seed}` : null,
  ].filter(Boolean);
  const prompt = p?.prompt ?? fallbackPrompt;
  const lines = [`🎬 Task \`${task.id}\`${facts.length ? ` · ${facts.join(' · ')}` : ''}`];
  if (prompt) lines.push(`> ${truncate(prompt.replaceAll('\n', ' '), 300)}`);
  return lines.join('\n');
}

export function tooLargeText(
  task: Task,
  limitBytes: number,
  edgePublicURL: string | undefined,
  shareUrl?: string,
): string {
  return [
    `🎬 Task \`${task.id}\` is done, but the video is over this server's ${mib(limitBytes)} upload limit.`,
    ...videoLinkLines(task, edgePublicURL, shareUrl),
  ].join('\n');
}

/** The video is ready but the channel, the only way left, takes no files from the bot. */
export function cannotAttachText(
  task: Task,
  edgePublicURL: string | undefined,
  shareUrl?: string,
): string {
  return [
    `🎬 Task \`${task.id}\` is done, but I may not attach files in this channel (a moderator can grant me Attach Files).`,
    ...videoLinkLines(task, edgePublicURL, shareUrl),
  ].join('\n');
}

/**
 * The task is done but its video could not be fetched: what went wrong and what to do. A dead
 * link is not shown, as it would only fail again; a failing host's link may still work.
 */
export function downloadFailedText(
  task: Task,
  failure: DownloadFailure,
  edgePublicURL: string | undefined,
  shareUrl?: string,
): string {
  const result = `\`/jimeng result task_id:${task.id}\``;
  const why = downloadFailureWords(failure);
  const head = `🎬 Task \`${task.id}\` is done, but I could not fetch its video: ${why}.`;
  if (LINK_FAILURES.has(failure.kind)) {
    return [
      head,
      ...edgeLinkLines(task, edgePublicURL, shareUrl),
      `Run ${result} in a few minutes for a fresh link.`,
    ].join('\n');
  }
  return [
    head,
    ...videoLinkLines(task, edgePublicURL, shareUrl),
    `The link may still work; if not, try again in a few minutes with ${result}.`,
  ].join('\n');
}

function downloadFailureWords(failure: DownloadFailure): string {
  switch (failure.kind) {
    case 'link_refused':
      return `its link has expired (the video host answered HTTP ${failure.httpStatus})`;
    case 'not_a_video':
      return 'the video host sent a page instead of the video, so its link has probably expired or is blocked';
    case 'no_link':
      return 'the provider sent no link for it';
    case 'timed_out':
      return 'the download timed out';
    case 'host_error':
      return `the video host is failing (HTTP ${failure.httpStatus})`;
    case 'broke_off':
      return 'the video host broke off in the middle of the download';
    case 'unreachable':
      return 'the video host could not be reached';
    case 'other':
      return 'something went wrong on the way';
  }
}

/**
 * Where to get the video instead of the attachment. The edge's share link, when there is one,
 * stands for all of them: it keeps working and needs no key, where the provider's link dies
 * within the hour.
 */
function videoLinkLines(
  task: Task,
  edgePublicURL: string | undefined,
  shareUrl: string | undefined,
): string[] {
  if (shareUrl) return edgeLinkLines(task, edgePublicURL, shareUrl);
  const lines: string[] = [];
  if (task.videoUrl) {
    const expires = task.videoUrlExpiresAt ? Date.parse(task.videoUrlExpiresAt) : Number.NaN;
    const until = Number.isFinite(expires)
      ? ` (the provider's link stops working <t:${Math.floor(expires / 1000)}:R>, at <t:${Math.floor(expires / 1000)}:t>)`
      : " (the provider's link stops working within the hour)";
    lines.push(`Download it here${until}: ${task.videoUrl}`);
  }
  return [...lines, ...edgeLinkLines(task, edgePublicURL, shareUrl)];
}

/** The edge asks the provider for a fresh link before its own expires: its link outlives theirs. */
function edgeLinkLines(
  task: Task,
  edgePublicURL: string | undefined,
  shareUrl: string | undefined,
): string[] {
  if (shareUrl) return [`Watch and share it here (the link keeps working): ${shareUrl}`];
  if (!edgePublicURL) return [];
  return [`A link that keeps working: ${edgeVideoLink(edgePublicURL, task.id)}`];
}

function edgeVideoLink(edgePublicURL: string, taskId: string): string {
  return `${edgePublicURL.replace(/\/+$/, '')}/task/${taskId}/video`;
}

/**
 * The last edit an interaction token allows when nothing can post in the channel later (the
 * Worker without a bot token): where the video will be, so nothing is lost silently.
 */
export function tokenEndingText(
  taskId: string,
  edgePublicURL: string | undefined,
  shareUrl?: string,
): string {
  const link = shareUrl ?? (edgePublicURL && edgeVideoLink(edgePublicURL, taskId));
  const where = link
    ? `once it is done, the video will be at ${link}`
    : `once it is done, run \`/jimeng result task_id:${taskId}\` for the video`;
  return `I can no longer update this reply after 15 minutes: ${where}.`;
}

export function failureText(taskId: string | null, error: unknown): string {
  const e = error as Partial<JimengError>;
  const task = taskId ? `Task \`${taskId}\`` : 'Your video';
  const later = taskId ? ` Try \`/jimeng result task_id:${taskId}\` later.` : ' Try again later.';
  const rid = e.requestId ? ` (request id \`${e.requestId}\`)` : '';
  const business = e.upstreamCode === undefined ? undefined : describeBusinessCode(e.upstreamCode);
  if (business?.moderation) {
    const again = business.submitAgain
      ? ' A new attempt may pass.'
      : ' Change the prompt or image and try again.';
    return `🚫 ${task} was refused by the provider: ${business.meaning}.${again}${rid}`;
  }
  switch (e.code) {
    case 'task_failed':
      return `❌ ${task} failed on the provider's side. Submit it again, perhaps with another prompt.${rid}`;
    case 'task_not_found':
      return `❓ ${task} was not found. Check the id: the provider forgets tasks after 12 hours.${rid}`;
    case 'task_expired':
      return `⌛ ${task} has expired at the provider. Submit it again with \`/jimeng create\`.${rid}`;
    case 'timeout':
      return `⏱️ ${task} is still not finished, so I stopped watching it.${later}${rid}`;
    case 'rate_limited':
      return `🐢 The provider is busy (rate limit), so ${task} could not be followed.${later}${rid}`;
    case 'unauthorized':
      return `🔑 The provider refused this bot's API key, so ${task} cannot be followed. Tell the bot's owner.`;
    case 'invalid_request':
    case 'invalid_task_id':
      return `⚠️ ${e.message ?? 'The request was invalid.'}`;
    case 'api_error':
      return `⚠️ The provider refused the request for ${task}: ${e.upstreamMessage ?? e.message}.${rid}`;
    case 'upstream_error':
      return `📡 The provider (or its video host) is not answering properly, so ${task} could not be finished.${later}${rid}`;
    default:
      return `⚠️ Something went wrong with ${task}.${later}${rid}`;
  }
}

/** A submit that failed in a way that does not say whether the provider got it. */
export function submitUncertainText(error: unknown): string {
  const e = error as Partial<JimengError>;
  const rid = e.requestId ? ` (request id \`${e.requestId}\`)` : '';
  return `📡 The provider did not answer clearly while I submitted your prompt, so I cannot tell whether it was received. I won't submit it twice (it is billed): if no video arrives, run \`/jimeng create\` again later.${rid}`;
}

/** The follow timed out without one answer from the provider: it is down, not the task slow. */
export function providerSilentText(taskId: string | null): string {
  const task = taskId ? `task \`${taskId}\`` : 'your video';
  const later = taskId ? ` Try \`/jimeng result task_id:${taskId}\` later.` : ' Try again later.';
  return `📡 The provider has not answered about ${task} for a while (it seems to be down), so I stopped watching.${later}`;
}

export function invalidTaskIdText(input: string, problem: string): string {
  return `⚠️ \`${truncate(input, 60).replaceAll('`', "'")}\` is not a task id (${problem}). Task ids are long numbers like \`14117763723766220057\`.`;
}

export function userCapText(max: number): string {
  return `🙏 You already have ${max} video${max === 1 ? '' : 's'} on the way. Please wait for one to arrive before asking for another.`;
}

export function alreadyFollowingText(taskId: string): string {
  return `👀 You are already following task \`${taskId}\` here: the video will be posted once it is done.`;
}

export function interruptedSubmitText(): string {
  return "⚠️ The bot restarted while submitting your prompt, so I don't know whether the provider received it. I won't submit it twice (it is billed): if no video arrives, run `/jimeng create` again.";
}

export function missingPermissionsText(taskId: string | null, missing: string[]): string {
  const task = taskId ? `task \`${taskId}\`` : 'your video';
  const what =
    missing.length === 1 && missing[0] === 'Attach Files'
      ? 'can only post a link to it here, not the video'
      : 'cannot post it here';
  return `⚠️ I lack ${missing.join(', ')} in this channel. If ${task} takes longer than 15 minutes I ${what}; ask a moderator to grant ${missing.length === 1 ? 'it' : 'them'}.`;
}

/** A command that threw: the bot's own fault, not the user's. */
export function commandFailedText(): string {
  return '⚠️ Something went wrong on the bot side. Please try again.';
}

export function invalidOptionText(message: string): string {
  return `⚠️ ${message}`;
}

export function mention(userId: string, text: string): string {
  return `<@${userId}> ${text}`;
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
